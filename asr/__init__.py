"""Speech in, `Utterance`s out: audio sources, voice activity, streaming Whisper recognition.

Nothing here knows about Qt, translation or the kiosk; the kiosk wires it.
"""

import os

# ONNX Runtime (Silero VAD) writes a device id and queued telemetry under
# ~/.cache/Microsoft at its first import unless this is set before it: nothing leaves the counter.
os.environ["ORT_DISABLE_TELEMETRY"] = "1"

from asr.errors import AsrError, AudioDeviceError, AudioFileError, ModelLoadError
from asr.events import Side, Status, Utterance

__all__ = [
    "AsrError",
    "AudioDeviceError",
    "AudioFileError",
    "ModelLoadError",
    "Side",
    "Status",
    "Utterance",
]
