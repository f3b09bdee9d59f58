"""A whole visit through the real engines and the real screens, driven by files.

The visitor's speech is a bundled recording fed through the same path as the microphone (VAD →
Whisper → phrasebook); staff answer with a quick reply and typed Korean; New visit wipes both
screens; and no file anywhere holds a word of the visit afterwards.
"""

from __future__ import annotations

import os
import tempfile
import time
from importlib import resources
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication

from asr.events import Side
from kiosk.core.events import MicRole
from kiosk.core.session import TurnKind
from kiosk.setup import paths
from tests.kiosk.ui.conftest import wait_for_turn

DEMO = Path(str(resources.files("assets").joinpath("demo")))


def _files_changed_since(start: float, roots: list[Path]) -> list[Path]:
    changed = []
    for root in roots:
        if not root.exists():
            continue
        for folder, _dirs, files in os.walk(root):
            for name in files:
                path = Path(folder) / name
                try:
                    if path.stat().st_mtime >= start and path.is_file():
                        changed.append(path)
                except OSError:
                    continue
    return changed


def _holds_any(path: Path, needles: list[str]) -> bool:
    try:
        data = path.read_bytes()[:50_000_000]
    except OSError:
        return False
    return any(n.encode("utf-8") in data for n in needles)


def test_full_visit_through_the_real_models(kiosk_ui, qtbot, tmp_path, monkeypatch):
    kiosk, ui = kiosk_ui
    staff, visitor = ui.staff, ui.visitor
    start = time.time() - 1
    own_tmp = tmp_path / "tmp"  # any temporary file the kiosk makes lands here, to be checked
    own_tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(own_tmp))
    monkeypatch.setattr(tempfile, "tempdir", str(own_tmp))

    # the visitor picks English on their screen, by touch or mouse
    qtbot.mouseClick(visitor.chooser.button("en"), Qt.MouseButton.LeftButton)
    assert kiosk.session.visitor_lang == "en"
    assert visitor.pages.currentWidget() is visitor.conversation
    assert staff.language_box.currentData() == "en"

    # they speak into the counter microphone: a recording goes through VAD and Whisper, which
    # tells English from Korean (so it is the visitor's), then the phrasebook
    kiosk.play_file(DEMO / "synthetic_en_02_fee.wav", MicRole.COUNTER, realtime=False)
    said = wait_for_turn(
        qtbot,
        kiosk,
        lambda t: t.side is Side.VISITOR and t.final and t.kind is not TurnKind.PENDING,
    )
    assert said.lang == "en" and "fee" in said.text.lower()
    assert said.kind is TurnKind.VERIFIED and said.phrase_id is not None
    card = staff.cards[said.turn_id]
    assert card.original.text() == said.text  # their words on the left …
    assert card.other.text() == said.translated_text  # … in Korean on the right
    assert any("\uac00" <= ch <= "\ud7a3" for ch in card.other.text())  # Hangul
    assert said.text in visitor.own_label.text()  # they see what was understood

    # staff tap a quick reply with a slot (the amount is asked in a dialog; given here)
    reply = kiosk.quick_reply("fee.amount", {"amount": "1200"})
    assert reply is not None and reply.kind is TurnKind.VERIFIED
    assert visitor.newest_label.text() == reply.translated_text
    assert "1,200" in reply.translated_text and "won" in reply.translated_text.lower()
    assert staff.cards[reply.turn_id].other.text() == "수수료는 1,200원입니다."

    # staff type Korean in the box (Hangul arrives from the input method) and press Enter
    staff.input.setFocus()
    ime = QInputMethodEvent()
    ime.setCommitString("잠시만 기다려 주세요.")
    QApplication.sendEvent(staff.input, ime)
    qtbot.keyClick(staff.input, Qt.Key.Key_Return)
    typed = wait_for_turn(
        qtbot,
        kiosk,
        lambda t: t.side is Side.STAFF and t.kind is not TurnKind.PENDING and "잠시만" in t.text,
    )
    assert staff.input.text() == ""
    qtbot.waitUntil(lambda: visitor.newest_label.text() == typed.translated_text, timeout=5000)
    assert typed.kind is TurnKind.VERIFIED and "moment" in typed.translated_text.lower()

    words = [
        said.text,
        said.translated_text,
        reply.translated_text,
        typed.text,
        typed.translated_text,
    ]

    # New visit: both screens and the session forget everything
    qtbot.mouseClick(staff.new_button, Qt.MouseButton.LeftButton)
    assert kiosk.session.turns == [] and kiosk.session.visitor_lang is None
    assert staff.cards == {}
    assert visitor.pages.currentWidget() is visitor.chooser
    assert all(w not in visitor.own_label.text() + visitor.history.text() for w in words)
    qtbot.wait(200)  # let deleted widgets go

    # nothing written anywhere holds a word of that visit
    roots = [paths.data_dir(), paths.config_dir(), paths.log_dir(), own_tmp, Path.home()]
    changed = _files_changed_since(start, roots)
    leaks = [p for p in changed if _holds_any(p, words)]
    assert leaks == []
    media = [p for p in changed if p.suffix.lower() in (".wav", ".mp3", ".flac", ".png", ".jpg")]
    assert media == []


def test_a_real_recording_is_identified_and_honestly_marked_untranslated(kiosk_ui, qtbot):
    kiosk, ui = kiosk_ui
    # one microphone for both sides: Korean or Russian decides who spoke
    kiosk.choose_language("ru")
    with qtbot.waitSignal(kiosk.playback_finished, timeout=120_000):
        kiosk.play_file(DEMO / "ru_css10_ess_0021.wav", MicRole.COUNTER, realtime=False)
    qtbot.waitUntil(
        lambda: all(t.kind is not TurnKind.PENDING for t in kiosk.session.turns), timeout=30_000
    )
    said = kiosk.session.turns[-1]
    assert said.lang == "ru" and kiosk.session.visitor_lang == "ru"
    assert said.side is Side.VISITOR  # Russian, not Korean: the visitor spoke
    assert said.kind is TurnKind.NONE  # no phrase fits and no MT pack is installed: said honestly
    card = ui.staff.cards[said.turn_id]
    assert card.kind.text().startswith("번역 안 됨")
    assert not ui.visitor.own_kind.isHidden()
    assert ui.visitor.own_kind.text()  # the visitor is told, in Russian, it was not translated
