"""Every phrase of the book, in every language, at every text size, fits the visitor's screen:
on its own 1920×1080 monitor and in the split layout's half. Khmer has no spaces between words,
and Qt does not wrap it by itself: without `translate.words.line_breaks` a long Khmer answer
widened the visitor window past its screen.

The real visitor screen is shown; each phrase goes into the answer caption the visitor reads (and,
for the visitor's own phrases, the line that repeats what they said), and the caption must wrap
within its width and within the height the screen gives it."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QApplication, QLabel

from kiosk.runtime.engines import Engines
from kiosk.setup.settings import Layout
from kiosk.ui.fonts import widest_line
from tests.kiosk.ui.conftest import SCREEN, close, make_ui
from translate import languages
from translate.phrasebook import Phrasebook, SaidBy
from translate.words import line_breaks

SCALES = (1.0, 1.5, 2.0)


def _overflows(label: QLabel) -> str | None:
    """What is wrong with the label's text at its laid-out size, or None: a line that cannot
    break narrower than the label (laid out as QLabel wraps, at word boundaries), or more lines
    than its height holds."""
    width = label.contentsRect().width()
    widest = widest_line(label.text(), label.font(), width)
    if widest > width + 2:
        return f"a line {widest:.0f}px wide in a {width}px caption"
    need = label.heightForWidth(width)
    if need > label.height() + 2:
        return f"needs {need}px of height, has {label.height()}"
    return None


def _show(visitor: object, answer: str, own: str) -> None:
    """Both captions set and the page laid out at once, as the next paint would."""
    visitor.newest_label.setText(line_breaks(answer))  # type: ignore[attr-defined]
    visitor.own_label.setText(line_breaks(own))  # type: ignore[attr-defined]
    for widget in (visitor.newest, visitor.conversation, visitor):  # type: ignore[attr-defined]
        widget.layout().activate()
    visitor.fit_captions()  # type: ignore[attr-defined]
    for widget in (visitor.newest, visitor.conversation, visitor):  # type: ignore[attr-defined]
        widget.layout().activate()


@pytest.mark.parametrize("layout", [Layout.TWO_WINDOWS, Layout.SPLIT])
def test_every_phrase_fits_in_every_language_at_every_size(qtbot, layout: Layout) -> None:
    book = Phrasebook.load()
    kiosk, ui = make_ui(
        qtbot,
        layout=layout,
        load_speech=False,
        wait_ready=False,
        engines=Engines.real(speech=False),
    )
    ui.show()
    visitor = ui.visitor
    screen_width = SCREEN[0] if layout is Layout.TWO_WINDOWS else SCREEN[0] // 2
    problems: list[str] = []
    try:
        for lang in languages.codes():
            kiosk.choose_language(lang)
            for scale in SCALES:
                visitor.set_scale(scale)
                QApplication.processEvents()
                grew = visitor.window().width()
                assert grew <= SCREEN[0], f"{lang} at {scale:.0%}: the window grew to {grew}px"
                assert visitor.width() <= screen_width + 2, f"{lang} at {scale:.0%}"
                for button in (
                    visitor.talk_button,
                    visitor.write_button,
                    visitor.pick_button,
                    visitor.note_button,
                ):  # the bottom row's labels fit their share of the width
                    need = QFontMetricsF(button.font()).horizontalAdvance(button.text())
                    if button.isVisible() and need > button.width() - 16:
                        problems.append(
                            f"{lang} {scale:.0%} button {button.text()!r}: {need:.0f}px"
                        )
                for phrase in book:
                    text = phrase.text.get(lang)
                    if not text:
                        continue
                    # an answer from staff, and what the visitor said just before it
                    own = text if phrase.side is not SaidBy.STAFF else ""
                    _show(visitor, text, own)
                    found = _overflows(visitor.newest_label) or _overflows(visitor.own_label)
                    if visitor.window().width() > SCREEN[0]:
                        found = f"the window grew to {visitor.window().width()}px"
                    if found:
                        problems.append(f"{lang} {scale:.0%} {phrase.id}: {found}")
                _show(visitor, "", "")
    finally:
        close(ui)
    assert not problems, f"{len(problems)} overflow(s), e.g.:\n" + "\n".join(problems[:20])
