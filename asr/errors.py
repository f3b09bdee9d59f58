"""Errors raised by the speech engine. Each message says what is wrong and what to do about it."""


class AsrError(Exception):
    """Base class: the message is meant for a person (staff or installer), not a traceback."""


class AudioFileError(AsrError):
    """An audio file is missing, empty or not decodable."""


class AudioDeviceError(AsrError):
    """No usable microphone, or the one asked for does not exist."""


class ModelLoadError(AsrError):
    """The speech model is missing or damaged."""
