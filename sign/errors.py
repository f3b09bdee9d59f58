"""Errors meant for a person at the counter: each message says what is wrong and what to do."""

from __future__ import annotations


class SignError(Exception):
    """Base class for sign-language errors the kiosk shows to staff (one line, no traceback)."""


class CameraError(SignError):
    """No camera at the given index or path, or it stopped delivering frames."""


class VideoError(SignError):
    """A video file cannot be read or holds no frames."""


class VocabularyError(SignError):
    """A vocabulary pack or the enrolled-vocabulary store is missing, damaged or inconsistent."""
