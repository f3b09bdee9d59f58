"""What the glossary and the key concepts share: both are a table of entries in every language,
read from one file (`[[term]]` and `[[concept]]` in `assets/glossary.toml`) and looked up by key.

`Catalogue` is that loader and lookup; `Glossary` and `ConceptLexicon` say how one entry is read
and what they do with the entries.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, ClassVar, Generic, Protocol, Self, TypeVar

from translate import languages
from translate.errors import PhrasebookError
from translate.files import parse_toml, read_text

#: The shipped file, as messages name it.
SHIPPED = "assets/glossary.toml"


class Keyed(Protocol):
    @property
    def key(self) -> str: ...


Entry = TypeVar("Entry", bound=Keyed)


class Catalogue(ABC, Generic[Entry]):
    """The entries of one table of a glossary file, by key."""

    #: the array of tables read (`term`, `concept`)
    TABLE: ClassVar[str]
    #: what `get` says of a key the catalogue lacks: formatted with `key` and `source`
    UNKNOWN: ClassVar[str]

    def __init__(self, entries: Iterable[Entry], source: str = SHIPPED) -> None:
        self._entries = {entry.key: entry for entry in entries}
        self.source = source

    @classmethod
    def load(cls, file: Traversable | None = None) -> Self:
        """The catalogue of a glossary file: the shipped one unless another is given."""
        if file is None:
            return cls.parse(read_text(resources.files("assets").joinpath("glossary.toml")))
        return cls.parse(read_text(file), str(file) if isinstance(file, Path) else file.name)

    @classmethod
    def parse(cls, text: str, source: str = SHIPPED) -> Self:
        """The catalogue of the TOML `text`; `source` names its file in error messages."""
        tables = parse_toml(text, source).get(cls.TABLE, [])
        return cls(cls.read_entries(tables, source), source)

    @classmethod
    @abstractmethod
    def read_entries(cls, tables: Sequence[Mapping[str, Any]], source: str) -> list[Entry]:
        """One entry per table, validated, with messages that name the entry and `source`."""

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self._entries.values())

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def get(self, key: str) -> Entry:
        try:
            return self._entries[key]
        except KeyError:
            raise PhrasebookError(self.UNKNOWN.format(key=key, source=self.source)) from None


def lacking(table: Mapping[str, Any]) -> list[str]:
    """The language codes that `table` (language -> text or list of forms) leaves empty."""
    return [code for code in languages.codes() if _empty(table.get(code))]


def _empty(value: object) -> bool:
    return not (value.strip() if isinstance(value, str) else value)
