"""Speech in, `Utterance`s out: audio sources, voice activity, streaming Whisper recognition.

Nothing here knows about Qt, translation or the kiosk; the kiosk wires it.
"""

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
