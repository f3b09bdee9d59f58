"""A typist for the tests: the keys that type a text on a set of layouts, as a visitor would."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.keyboards import Key, Layout, Level


@dataclass(frozen=True)
class Press:
    layout: str
    key: Key
    level: Level

    @property
    def text(self) -> str:
        return str(getattr(self.key, self.level.value))


class Untypable(Exception):
    pass


def presses(text: str, layouts: list[Layout]) -> list[Press]:
    """The key presses that type `text`, the longest key output first, the first layout that
    has it first; a space is the pad's space bar."""
    by_output: dict[str, Press] = {}
    for layout in reversed(layouts):  # the visitor's own script wins over Latin
        for key in layout.every_key():
            for level in reversed(Level):
                output = getattr(key, level.value)
                if output:
                    by_output[output] = Press(layout.name, key, level)
    space = Press("pad", Key("SPCE", " "), Level.BASE)
    longest = max(len(o) for o in by_output)
    result: list[Press] = []
    i = 0
    while i < len(text):
        if text[i] == " ":
            result.append(space)
            i += 1
            continue
        for size in range(min(longest, len(text) - i), 0, -1):
            press = by_output.get(text[i : i + size])
            if press is not None:
                result.append(press)
                i += size
                break
        else:
            raise Untypable(f"{text[i]!r} (U+{ord(text[i]):04X}) in {text!r}")
    return result
