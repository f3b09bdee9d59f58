"""Errors the kiosk reports to a person: every message says what is wrong and what to do."""


class ChangguError(Exception):
    """Base class for errors whose message is meant for staff, not for a traceback."""
