"""Colours and type sizes, with the accessibility rules they must meet checked in code.

Kiosk rules (장애인차별금지법 시행령 / MSIT kiosk notice): contrast ≥ 4.5:1, characters at least
12 mm tall on a large kiosk screen, text enlargeable to 200%.
"""

from __future__ import annotations

from dataclasses import dataclass

MIN_CONTRAST = 4.5
MIN_CHAR_HEIGHT_MM = 12.0
REFERENCE_DPI = 91.8  # a 24-inch 1920×1080 monitor


@dataclass(frozen=True)
class Theme:
    background: str = "#101418"
    surface: str = "#1d242c"
    text: str = "#ffffff"
    muted: str = "#c9d1d9"
    accent: str = "#ffd23f"  # the newest message, focus rings
    verified: str = "#7ee2a8"
    machine: str = "#ffcf70"
    untranslated: str = "#ff9e9e"
    listening: str = "#7ee2a8"
    working: str = "#8fc8ff"
    button: str = "#2d6cdf"
    button_text: str = "#ffffff"
    danger: str = "#b3261e"

    def pairs(self) -> dict[str, tuple[str, str]]:
        """Every foreground/background pair the screens actually use."""
        return {
            "text": (self.text, self.background),
            "muted": (self.muted, self.background),
            "accent": (self.accent, self.background),
            "verified": (self.verified, self.surface),
            "machine": (self.machine, self.surface),
            "untranslated": (self.untranslated, self.surface),
            "listening": (self.listening, self.surface),
            "working": (self.working, self.surface),
            "text on surface": (self.text, self.surface),
            "button": (self.button_text, self.button),
            "danger": (self.button_text, self.danger),
        }


THEME = Theme()


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2.x contrast ratio between two #rrggbb colours (1.0 to 21.0)."""
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(colour: str) -> float:
    rgb = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def mm_to_px(mm: float, dpi: float) -> float:
    return mm / 25.4 * dpi


def stylesheet(theme: Theme = THEME) -> str:
    t = theme
    return f"""
    QWidget {{ background: {t.background}; color: {t.text}; }}
    QFrame#card {{ background: {t.surface}; border-radius: 14px; }}
    QLabel {{ background: transparent; }}
    QLabel#muted {{ color: {t.muted}; }}
    QPushButton {{
        background: {t.button}; color: {t.button_text}; border: 4px solid transparent;
        border-radius: 12px; padding: 6px 14px; /* with the border: 10px 18px, as before */
    }}
    /* the focus ring only changes colour: the label keeps its room when a button is focused */
    QPushButton:focus {{ outline: none; border-color: {t.accent}; }}
    QPushButton:pressed, QPushButton:checked {{ background: {t.accent}; color: {t.background}; }}
    QPushButton#danger {{ background: {t.danger}; }}
    QLineEdit, QComboBox, QSpinBox, QListWidget {{
        background: {t.surface}; color: {t.text}; border: 2px solid {t.muted};
        border-radius: 8px; padding: 6px;
    }}
    QLineEdit:focus, QComboBox:focus {{ border: 3px solid {t.accent}; }}
    QCheckBox::indicator {{
        width: 22px; height: 22px; border: 2px solid {t.muted}; border-radius: 4px;
        background: {t.surface};
    }}
    QCheckBox::indicator:checked {{ background: {t.accent}; }}
    QTabBar::tab {{ background: {t.surface}; color: {t.text}; padding: 10px 16px; }}
    QTabBar::tab:selected {{ background: {t.button}; }}
    QScrollArea {{ border: none; }}
    """
