"""What every composer does alike: finished text waits in `committed` until the pad takes it
(`take_committed`), the text so far is the finished text and the preedit, and Backspace with
nothing being composed takes back the last finished character. A composer says what it is
composing (`composing`) and how to drop it (`_drop_composing`)."""

from __future__ import annotations


class ComposerBase:
    def __init__(self) -> None:
        self.committed = ""

    @property
    def composing(self) -> str:
        return ""

    @property
    def text(self) -> str:
        return self.committed + self.composing

    def take_committed(self) -> str:
        done, self.committed = self.committed, ""
        return done

    def clear(self) -> None:
        self.committed = ""
        self._drop_composing()

    def _drop_composing(self) -> None:
        """Forget what is being composed (nothing, for a composer that composes nothing)."""

    def _erase_committed(self) -> bool:
        """Take back the last finished code point; False when there is none."""
        if self.committed:
            self.committed = self.committed[:-1]
            return True
        return False
