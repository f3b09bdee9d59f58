"""Fixtures for the kiosk's screens: the real `Kiosk` (real models) behind the real Qt widgets.

pytest-xvfb runs these tests in a real X server (Xvfb) when one is installed, so the windows are
real windows; `grab()` renders them the same way as offscreen. Settings and logs go to a
temporary folder: the counter's own settings are never read or changed by a test.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget

from asr.events import Side, Utterance
from kiosk.core.events import MicRole
from kiosk.runtime.engines import Engines
from kiosk.runtime.kiosk import Kiosk
from kiosk.setup.settings import Layout, Settings
from kiosk.ui.fonts import missing_glyphs
from kiosk.ui.theme import REFERENCE_DPI
from tests.pulse import FakeMicrophone, PulseUnavailable, fake_microphone

SCREEN = (1920, 1080)  # a 24-inch 1080p monitor, the size the type sizes are specified for


@pytest.fixture(autouse=True)
def _own_settings_and_logs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHANGGU_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("CHANGGU_LOG_DIR", str(tmp_path / "log"))


@pytest.fixture
def pulse_microphone(tmp_path: Path) -> Iterator[FakeMicrophone]:
    """A PulseAudio pipe source that PortAudio sees as the default input, for the test's length
    (skips where no PulseAudio server can run)."""
    try:
        started = fake_microphone(tmp_path / "pulse")
        mic = started.__enter__()
    except PulseUnavailable as exc:
        pytest.skip(f"PulseAudio cannot start here: {exc}")
    try:
        yield mic
    finally:
        started.__exit__(None, None, None)


def make_ui(
    qtbot: object,
    layout: Layout = Layout.TWO_WINDOWS,
    load_speech: bool = True,
    wait_ready: bool = True,
    settings: Settings | None = None,
    engines: Engines | None = None,
) -> tuple[Kiosk, object]:
    """A started kiosk with both screens at 1920×1080 (the reference 24-inch screen)."""
    from kiosk.ui.window import KioskUI

    settings = settings or Settings(layout=layout)
    kiosk = Kiosk(settings, engines=engines)
    kiosk.start(load_speech=load_speech)
    ui = KioskUI(kiosk, dpi=REFERENCE_DPI)
    for window in ui.windows:
        window.resize(*SCREEN)
    if wait_ready:
        qtbot.waitUntil(lambda: kiosk.ready, timeout=60_000)
    return kiosk, ui


@pytest.fixture
def kiosk_ui(qtbot: object) -> Iterator[tuple[Kiosk, object]]:
    kiosk, ui = make_ui(qtbot)
    yield kiosk, ui
    close(ui)


@pytest.fixture
def counter(qtbot: object) -> Iterator[tuple[Kiosk, object]]:
    """A shown kiosk with the real translator and no speech model: what a visitor writes, picks
    or sees (a test module may define its own `counter`)."""
    kiosk, ui = make_ui(qtbot, load_speech=False, engines=Engines.real(speech=False))
    ui.show()
    yield kiosk, ui
    close(ui)


def close(ui: object) -> None:
    for window in ui.windows:
        window.allow_close = True
        window.close()
    ui.kiosk.stop()
    QApplication.processEvents()


def visible_texts(root: QWidget) -> list[QWidget]:
    """Every label and button of `root` that is on screen and shows text."""
    found: list[QWidget] = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisibleTo(root) or widget.width() <= 1:
            continue
        if isinstance(widget, QLabel | QAbstractButton) and widget.text().strip():
            found.append(widget)
    return found


def glyph_problems(root: QWidget) -> list[str]:
    """Text drawn in a font that lacks some of its characters (they would show as boxes)."""
    problems = []
    for widget in visible_texts(root):
        missing = missing_glyphs(widget.text(), widget.font())
        if missing:
            problems.append(f"{widget.font().family()}: {missing!r} in {widget.text()[:40]!r}")
    return problems


def fit_problems(root: QWidget) -> list[str]:
    """Text cut off: a label or button too small for what it shows at its font."""
    problems = []
    for widget in visible_texts(root):
        metrics = widget.fontMetrics()
        room = widget.contentsRect()
        text = widget.text()
        if isinstance(widget, QLabel) and widget.wordWrap():
            need = widget.heightForWidth(widget.width())
            # a wrapped label inside a scroll area may be as tall as it likes
            if need > widget.height() + 2 and not _in_scroll_area(widget):
                problems.append(f"{text[:40]!r}: needs {need}px of height, has {widget.height()}")
            longest = max(text.split(), key=metrics.horizontalAdvance, default="")
            if metrics.horizontalAdvance(longest) > room.width() + 2 and " " in text:
                problems.append(f"{text[:40]!r}: the word {longest!r} is wider than its box")
            continue
        hint = widget.sizeHint()  # text plus the style's padding, on one line per line
        if hint.width() > widget.width() + 2 or hint.height() > widget.height() + 2:
            problems.append(
                f"{text[:40]!r}: needs {hint.width()}×{hint.height()}px, "
                f"has {widget.width()}×{widget.height()}"
            )
    return problems


def _in_scroll_area(widget: QWidget) -> bool:
    from PySide6.QtWidgets import QScrollArea

    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def wait_for_turn(
    qtbot: object, kiosk: Kiosk, accept: Callable[[object], bool], timeout_s: float = 60
) -> object:
    """The first turn of the session `accept` likes, once it is there."""
    found: list[object] = []

    def check() -> bool:
        found[:] = [t for t in kiosk.session.turns if accept(t)]
        return bool(found)

    qtbot.waitUntil(check, timeout=int(timeout_s * 1000))
    return found[0]


def tap(
    device: object, widget: QWidget, hold_ms: int = 0, during: Callable[[], object] | None = None
) -> None:
    """A finger down on the middle of `widget` and up again, as a touch screen sends it (held for
    `hold_ms`, and `during()` done while it is down)."""
    window = widget.window()
    point = widget.mapTo(window, QPoint(widget.width() // 2, widget.height() // 2))
    QTest.touchEvent(window, device).press(0, point, window).commit()
    QApplication.processEvents()
    if hold_ms:
        QTest.qWait(hold_ms)
    if during is not None:
        during()
    QTest.touchEvent(window, device).release(0, point, window).commit()
    QApplication.processEvents()


def status_text(ui: object, component: str) -> str:
    """What the staff's status bar says of `component`, with the details of its tooltip."""
    label = ui.staff.status_labels.get(component)
    return f"{label.text()} {label.toolTip()}" if label is not None else ""


def status_colour(ui: object, component: str) -> str:
    label = ui.staff.status_labels.get(component)
    return label.styleSheet() if label is not None else ""


_utterance_ids = itertools.count(1_000)


def korean_heard_from(kiosk: Kiosk, text: str = "네, 여기 있습니다.") -> Side:
    """Feed the counter microphone's recogniser result of Korean `text` (as a microphone's worker
    posts it) and return whose turn the kiosk made of it."""
    said = Utterance(next(_utterance_ids), Side.STAFF, "ko", text, True, 0.0, 1.5, 0.9)
    kiosk.hear(said, "counter", MicRole.COUNTER)
    turn = kiosk.session.turns[-1]
    assert turn.text == text and turn.lang == "ko"
    return turn.side


class Clock:
    """A monotonic clock the test moves on by hand (for the conversation's `monotonic`)."""

    def __init__(self, now: float = 1_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
