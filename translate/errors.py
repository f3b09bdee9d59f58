"""Errors the translation engine raises for a person to act on.

Every message says what is wrong and what to do; the CLI prints it as one line and the kiosk
shows it as a status, then keeps running.
"""


class TranslateError(Exception):
    """Base class of every translation error meant for a person, not for a traceback."""


class UnsupportedLanguageError(TranslateError):
    """A language code that the registry (assets/languages.toml) does not know."""


class PhrasebookError(TranslateError):
    """The phrasebook or glossary data is malformed."""


class PackError(TranslateError):
    """A machine-translation pack is missing, incomplete or unreadable."""


class UnknownPhraseError(TranslateError):
    """A phrase id that the phrasebook does not contain."""


class SlotError(TranslateError):
    """A slot value is missing or cannot be read (e.g. an amount that is not a number)."""


class NotAFileError(TranslateError):
    """A path names a pipe, device, socket or folder where a saved file was expected."""
