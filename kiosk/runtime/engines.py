"""What the kiosk asks of its engines, and how it gets them.

The engines are plain classes of `asr`, `translate` and `sign`; the kiosk sees them only through
these Protocols, so a screen test can hand it a scripted engine and a city can swap a backend (a
building server) without touching the screens.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from asr.audio import Audio
from asr.events import Utterance
from asr.streaming import StreamConfig
from kiosk.setup import paths
from kiosk.setup.settings import Settings
from translate import Phrase, Topic, Translation
from translate.slots import SlotValue

if TYPE_CHECKING:
    from kiosk.runtime.building import BuildingTier


class Recogniser(Protocol):
    """A streaming recogniser for one audio input (`asr.streaming.StreamingRecogniser`)."""

    def accept(self, frames: Audio, backlog_s: float = 0.0) -> Iterable[Utterance]: ...

    def finish(self) -> Iterable[Utterance]: ...

    def reset(self) -> None: ...

    def set_languages(self, langs: Sequence[str]) -> None: ...


class SpeechEngine(Protocol):
    """The loaded speech models (`kiosk.runtime.speech.SpeechModels`)."""

    def recogniser(
        self, langs: Sequence[str], config: StreamConfig | None = None
    ) -> Recogniser: ...


class TranslationEngine(Protocol):
    """The phrasebook and translation tiers (`translate.Translator`)."""

    def translate(
        self, text: str, source_lang: str, target_lang: str, side: str | None = None
    ) -> Translation: ...

    def use_office(self, path: Path | None) -> int: ...

    def say(
        self,
        phrase_id: str,
        source_lang: str,
        target_lang: str,
        slot_values: Mapping[str, SlotValue] | None = None,
    ) -> Translation: ...

    def topics(self) -> tuple[Topic, ...]: ...

    def phrases(self, topic: str | None = None) -> list[Phrase]: ...

    def forget(self) -> None:
        """Drop every cache of visit text."""


@dataclass(frozen=True)
class Engines:
    """How the kiosk gets its engines: the real ones by default, scripted ones in screen tests."""

    phrasebook: Callable[[], TranslationEngine]  # at once: quick replies work before models load
    translator: Callable[[], TranslationEngine]  # in the background (embeddings, MT packs)
    speech: Callable[[Settings], SpeechEngine] | None  # None: no speech recognition (screens only)

    def loading(
        self, settings: Settings, speech: bool = True, building: BuildingTier | None = None
    ) -> Callable[[], tuple[TranslationEngine, SpeechEngine | None]]:
        """The work of loading the full translator and (with `speech`) the speech models, to run
        off the UI thread. Speech first: a missing model is what staff most need to hear of.
        With `building`, finals and machine translation go to the building server first."""
        make_speech = self.speech if speech else None

        def load() -> tuple[TranslationEngine, SpeechEngine | None]:
            loaded = make_speech(settings) if make_speech else None
            translator = self.translator()
            if building is not None:
                building.attach(translator, loaded)
                building.start()
            return translator, loaded

        return load

    @classmethod
    def real(cls, speech: bool = True) -> Engines:
        def phrasebook() -> TranslationEngine:
            from translate import Translator

            return Translator.load(paths.cache_dir(), semantic=False, office=paths.office_phrases())

        def translator() -> TranslationEngine:
            from translate import Translator

            return Translator.load(
                paths.cache_dir(), paths.models_dir() / "mt", office=paths.office_phrases()
            )

        def speech_models(settings: Settings) -> SpeechEngine:
            from kiosk.runtime.speech import SpeechModels
            from kiosk.runtime.speech_tiers import choose_speech_model
            from kiosk.setup.model_store import ModelManager

            manager = ModelManager()
            tier = choose_speech_model(manager, settings.speech_model)
            return SpeechModels(manager, asr_model=tier.model or None, tier=tier)

        return cls(phrasebook, translator, speech_models if speech else None)


def slot_values(typed: Mapping[str, str]) -> dict[str, SlotValue]:
    """Slot text as staff typed it, read as the slot's kind (`translate.slots.parse_value`):
    "1,200" an amount, "B1" a floor, "다음 주 화요일" a date. A value that cannot be read raises
    SlotError, whose message says (in Korean first) how to write it."""
    from translate.slots import SLOT_NAMES, parse_value

    values: dict[str, SlotValue] = {}
    for name, text in typed.items():
        if name in SLOT_NAMES:
            values[name] = parse_value(name, str(text))
        else:
            digits = str(text).replace(",", "").replace(" ", "")
            values[name] = int(digits) if digits.isdigit() else text
    return values
