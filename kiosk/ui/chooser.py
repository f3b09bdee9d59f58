"""The visitor's language chooser: a welcome in several languages at once, and a large button for
each offered language, Korean Sign Language and Korean captions, each name in its own script."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from kiosk.core import strings
from kiosk.core.session import KO_CAPTIONS, KSL
from kiosk.ui.fonts import font_for, optical_font

COLUMNS = 3


class LanguageChooser(QWidget):
    chosen = Signal(str)  # a language code, KSL or KO_CAPTIONS

    def __init__(self, offered: tuple[str, ...], dpi: float) -> None:
        super().__init__()
        self.dpi = dpi
        layout = QVBoxLayout(self)
        self.welcome = QLabel()
        self.welcome.setWordWrap(True)
        self.welcome.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # the welcome line in several languages at once, so everyone finds their own
        lines = [strings.visitor(code, "welcome") for code in ("ko", "en", "zh", "vi")]
        self.welcome.setText("\n".join(lines))
        self.welcome.setFont(font_for("ko", 5.0, dpi))
        layout.addWidget(self.welcome)
        self.grid = QGridLayout()
        self.grid.setSpacing(16)
        self.buttons: list[QPushButton] = []
        layout.addLayout(self.grid, stretch=1)
        self.set_offered(offered)

    def set_offered(self, offered: tuple[str, ...]) -> None:
        """The languages offered, as Settings have them now: the buttons are made anew (staff
        turn a language off: the next visitor does not see it)."""
        from translate import languages

        for button in self.buttons:
            self.grid.removeWidget(button)
            button.hide()
            button.deleteLater()
        self.buttons = []
        dpi = self.dpi
        choices = [(code, languages.get(code).native) for code in offered]
        choices.append((KSL, "한국수어 (KSL)"))
        choices.append((KO_CAPTIONS, "한국어 자막"))  # hears little, does not sign
        for i, (code, native) in enumerate(choices):
            button = QPushButton(native)
            # every script at the same apparent size (中文 and Русский as large as English)
            button.setFont(optical_font(strings.reading_lang(code), 7.0, dpi, bold=True))
            button.setMinimumHeight(round(dpi * 0.9))  # ≥ 23 mm: a large touch target
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            button.setProperty("lang", code)
            button.setAccessibleName(native)
            button.clicked.connect(lambda _=False, c=code: self.chosen.emit(c))
            self.grid.addWidget(button, i // COLUMNS, i % COLUMNS)
            self.buttons.append(button)

    def button(self, lang: str) -> QPushButton:
        """The button that chooses `lang`."""
        return next(b for b in self.buttons if b.property("lang") == lang)
