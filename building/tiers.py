"""Which tier does the work: the building server when it answers in time, the counter otherwise.

`TieredSpeech` stands in for the counter's `WhisperEngine` inside the streaming recogniser:
partials (and language checks) always run on the counter; a final goes to the building server
and, if no usable answer comes within the budget, is decoded on the counter at once. `TieredMT`
does the same for machine translation. Both report the tier that served the last request, for
the staff status line.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from asr.whisper import Context, DecodeOptions, Hypothesis, WhisperEngine
from building.client import BuildingClient, BuildingUnavailable
from translate.errors import TranslateError
from translate.machine import MachineResult, MachineTranslation

log = logging.getLogger(__name__)


_PARTIAL = DecodeOptions()


class Tier(StrEnum):
    COUNTER = "counter"
    BUILDING = "building"


class TierReporter:
    """The tier that served last; `on_change(tier, reason)` is called when it changes."""

    def __init__(self, on_change: Callable[[Tier, str], None] | None = None) -> None:
        self.on_change = on_change
        self.tier: Tier | None = None
        # final decodes by tier (an early one is dropped when the speaker goes on)
        self.finals = {Tier.COUNTER: 0, Tier.BUILDING: 0}
        self._lock = threading.Lock()

    def served(self, tier: Tier, reason: str = "") -> None:
        with self._lock:
            changed = tier is not self.tier
            self.tier = tier
        if changed and self.on_change is not None:
            self.on_change(tier, reason)


class TieredSpeech:
    """A `WhisperEngine` look-alike whose finals go to the building server first."""

    def __init__(
        self, local: WhisperEngine, client: BuildingClient, reporter: TierReporter | None = None
    ) -> None:
        self.local = local
        self.client = client
        self.reporter = reporter or TierReporter()
        self.languages = local.languages
        self.model_dir = local.model_dir

    def recognise(
        self,
        audio: npt.NDArray[np.float32],
        langs: Sequence[str],
        options: DecodeOptions = _PARTIAL,
        language: str | None = None,
        context: Context | None = None,
    ) -> Hypothesis:
        if options.final and context is None:
            try:
                hyp = self.client.transcribe(
                    audio, langs, language, options.initial_prompt, options.prompt_lang
                )
            except BuildingUnavailable as exc:
                self._served(Tier.COUNTER, str(exc))
            else:
                self._served(Tier.BUILDING)
                return hyp
        return self.local.recognise(audio, langs, options, language, context)

    def detect_language(
        self, audio: npt.NDArray[np.float32], langs: Sequence[str]
    ) -> tuple[str, float]:
        return self.local.detect_language(audio, langs)

    def _served(self, tier: Tier, reason: str = "") -> None:
        self.reporter.finals[tier] += 1
        self.reporter.served(tier, reason)


class TieredMT:
    """Machine translation from the building server, else from the counter's own packs."""

    def __init__(
        self,
        local: MachineTranslation | None,
        client: BuildingClient,
        reporter: TierReporter | None = None,
    ) -> None:
        self.local = local
        self.client = client
        self.reporter = reporter or TierReporter()

    def supports(self, source_lang: str, target_lang: str) -> bool:
        if self.local is not None and self.local.supports(source_lang, target_lang):
            return True
        return self._remote_supports(source_lang, target_lang)

    def translate(self, text: str, source_lang: str, target_lang: str) -> MachineResult:
        if self._remote_supports(source_lang, target_lang):
            try:
                translated = self.client.translate(text, source_lang, target_lang)
            except BuildingUnavailable as exc:
                self.reporter.served(Tier.COUNTER, str(exc))
            else:
                self.reporter.served(Tier.BUILDING)
                return MachineResult(translated, 0.5, "mt:building-server")
        if self.local is None or not self.local.supports(source_lang, target_lang):
            raise TranslateError(
                f"the building server did not answer and this counter has no translation pack "
                f"for {source_lang}->{target_lang}"
            )
        return self.local.translate(text, source_lang, target_lang)

    def forget(self) -> None:
        if self.local is not None:
            self.local.forget()

    def _remote_supports(self, source_lang: str, target_lang: str) -> bool:
        try:  # (cached; while the breaker is open this fails at once)
            return target_lang in self.client.languages().get(source_lang, frozenset())
        except BuildingUnavailable:
            return False
