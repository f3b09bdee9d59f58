"""Builds the speech engine from installed models (the one place that knows both worlds)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from asr.streaming import StreamConfig, StreamingRecogniser
from asr.vad import StreamingVad
from asr.whisper import DecodeOptions, SpeechEngine, WhisperEngine
from kiosk.runtime.speech_tiers import TierChoice
from kiosk.setup.model_store import ModelManager

if TYPE_CHECKING:
    from kiosk.runtime.building import BuildingTier

# Words a civil-service counter hears often; given to Whisper as a hint (initial prompt) for Korean.
CIVIL_SERVICE_HINT_KO = (
    "주민등록등본, 가족관계증명서, 외국인등록증, 전입신고, 체류기간 연장, 수수료, 신분증, 여권."
)


class SpeechModels:
    """The loaded Whisper model and VAD model file, shared by every recogniser of a kiosk."""

    def __init__(
        self,
        manager: ModelManager | None = None,
        asr_model: str | None = None,
        tier: TierChoice | None = None,
    ) -> None:
        manager = manager or ModelManager()
        self.whisper = WhisperEngine(manager.path_for("asr", preferred=asr_model))
        self.tier = tier  # which model runs and why (kiosk.runtime.speech_tiers)
        self._vad_path = manager.path_for("vad") / "silero_vad_v6.onnx"
        self.building: BuildingTier | None = None  # finals go there first when set

    def recogniser(
        self, langs: Sequence[str], config: StreamConfig | None = None, hint: bool = True
    ) -> StreamingRecogniser:
        """A new streaming recogniser (own VAD state) for one audio input."""
        config = replace(config or StreamConfig(), langs=tuple(langs))
        if hint and "ko" in langs and config.decode.initial_prompt is None:
            # every final decode gets the hint: the busy (20 s window) one too, or a final's
            # words would change with the CPU's load
            decode: DecodeOptions = replace(
                config.decode, initial_prompt=CIVIL_SERVICE_HINT_KO, prompt_lang="ko"
            )
            busy: DecodeOptions = replace(
                config.busy_decode, initial_prompt=CIVIL_SERVICE_HINT_KO, prompt_lang="ko"
            )
            config = replace(config, decode=decode, busy_decode=busy)
        engine: SpeechEngine = self.whisper
        if self.building is not None:
            from building.tiers import TieredSpeech

            engine = TieredSpeech(self.whisper, self.building.client, self.building.reporter)
        return StreamingRecogniser(engine, StreamingVad(self._vad_path), config)
