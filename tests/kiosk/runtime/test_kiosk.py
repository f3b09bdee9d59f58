"""A result belongs to its visit: whatever the timing, nothing of one visitor reaches the next.

The kiosk is driven through its public methods, as the screens drive it, with the real phrasebook.
Only the slow parts are stand-ins at the edge: a machine-translation tier that waits until the
test lets it finish (in the place of an MT pack on a busy CPU), and a recogniser that finishes an
utterance on cue (in the place of Whisper).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence

import numpy as np

from asr.events import Side, Utterance
from asr.streaming import StreamConfig
from kiosk.core.events import MicRole
from kiosk.core.session import Turn, TurnKind
from kiosk.runtime.engines import Engines
from kiosk.runtime.kiosk import Kiosk
from kiosk.setup.settings import Settings
from translate import Glossary, MachineResult, Phrasebook, PhraseMatcher, Translator

# nothing in the phrasebook says this: it can only reach the visitor through machine translation
OFF_BOOK = "창구 옆 화분에 물을 주셨나요"
LEAKED = "Did you water the plant by the counter?"


class SlowMachine:
    """A machine-translation tier that caches, as a real pack does, and takes its time."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.release = threading.Event()
        self.finished = threading.Event()
        self.cache: dict[tuple[str, str, str], str] = {}
        self.calls = 0

    def supports(self, source_lang: str, target_lang: str) -> bool:
        return True

    def translate(self, text: str, source_lang: str, target_lang: str) -> MachineResult:
        self.calls += 1
        self.started.set()
        assert self.release.wait(30)
        self.cache[(text, source_lang, target_lang)] = LEAKED
        self.finished.set()
        return MachineResult(LEAKED, 0.9, "mt:slow")

    def forget(self) -> None:
        self.cache.clear()


def counter_with(machine: SlowMachine, speech: CueSpeech | None = None) -> Kiosk:
    phrasebook, glossary = Phrasebook.load(), Glossary.load()
    translator = Translator(phrasebook, glossary, PhraseMatcher(phrasebook, glossary), machine)
    listen = (lambda _settings: speech) if speech is not None else None
    return Kiosk(Settings(), engines=Engines(lambda: translator, lambda: translator, listen))


def test_a_translation_that_finishes_after_new_visit_never_reaches_the_next_visitor(qtbot):
    machine = SlowMachine()
    kiosk = counter_with(machine)
    shown: list[Turn] = []
    kiosk.start(load_speech=False)
    qtbot.waitUntil(lambda: kiosk.ready, timeout=30_000)
    kiosk.choose_language("en")
    kiosk.send_typed(OFF_BOOK)  # staff type; the translation is under way…
    assert machine.started.wait(10)
    kiosk.new_visit()  # … when staff press New visit
    kiosk.turn_changed.connect(shown.append)
    kiosk.choose_language("en")  # the next visitor
    reply = kiosk.quick_reply("fee.amount", {"amount": "1200"})
    assert reply is not None and reply.translated_text == "The fee is 1,200 won."
    machine.release.set()  # the old translation finishes now
    assert machine.finished.wait(10)
    qtbot.waitUntil(lambda: not machine.cache, timeout=5_000)  # forgotten after it was cached
    qtbot.wait(200)  # whatever the worker still posts has arrived
    (turn,) = kiosk.session.turns
    assert turn.turn_id == reply.turn_id and turn.translated_text == "The fee is 1,200 won."
    assert turn.kind is TurnKind.VERIFIED
    assert not [t for t in shown if LEAKED in t.translated_text or OFF_BOOK in t.text]
    kiosk.stop(wait_s=5)


def test_translations_queued_before_new_visit_are_dropped_unrun(qtbot):
    machine = SlowMachine()
    kiosk = counter_with(machine)
    kiosk.start(load_speech=False)
    qtbot.waitUntil(lambda: kiosk.ready, timeout=30_000)
    kiosk.choose_language("en")
    kiosk.send_typed(OFF_BOOK)
    assert machine.started.wait(10)
    kiosk.send_typed(OFF_BOOK + " 아니면 제가 할까요")  # queued behind the first
    kiosk.new_visit()
    machine.release.set()
    qtbot.waitUntil(lambda: machine.finished.is_set() and not machine.cache, timeout=5_000)
    qtbot.wait(300)
    assert kiosk.session.turns == [] and machine.calls == 1  # the queued one never ran
    kiosk.stop(wait_s=5)


class CueRecogniser:
    """Hears nothing until cued; then finishes one utterance, as Whisper does after a pause."""

    def __init__(self) -> None:
        self.cue = threading.Event()
        self.finished = threading.Event()
        self.resets = 0

    def accept(self, frames: np.ndarray, backlog_s: float = 0.0) -> Iterator[Utterance]:
        if self.cue.is_set() and not self.finished.is_set():
            self.finished.set()
            yield Utterance(1, Side.VISITOR, "en", "My name is Anna Lee.", True, 0.0, 2.5, 0.9)

    def finish(self) -> Iterator[Utterance]:
        return iter(())

    def reset(self) -> None:
        self.resets += 1

    def set_languages(self, langs: Sequence[str]) -> None:
        pass


class CueSpeech:
    def __init__(self) -> None:
        self.made = CueRecogniser()

    def recogniser(self, langs: Sequence[str], config: StreamConfig | None = None) -> CueRecogniser:
        return self.made


def test_words_heard_just_before_new_visit_never_reach_the_next_visitor(qtbot):
    speech = CueSpeech()
    kiosk = counter_with(SlowMachine(), speech)
    kiosk.start()
    qtbot.waitUntil(lambda: kiosk.ready, timeout=30_000)
    assert kiosk.open_feed(MicRole.COUNTER) is not None  # the microphone is open, nobody chose
    speech.made.cue.set()
    assert speech.made.finished.wait(5)  # heard, and on its way to the screen…
    kiosk.new_visit()  # … when staff press New visit, before the screen had it
    qtbot.waitUntil(lambda: speech.made.resets == 1, timeout=5_000)
    qtbot.wait(300)
    assert kiosk.session.turns == [] and kiosk.session.visitor_lang is None
    kiosk.stop(wait_s=5)
