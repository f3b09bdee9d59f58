"""Subword tokenizers of MT packs, without torch: SentencePiece models or Hugging Face
tokenizer.json."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from translate.errors import PackError


class SubwordTokenizer(Protocol):
    def encode(self, text: str) -> list[str]: ...

    def decode(self, tokens: list[str]) -> str: ...


class SentencePieceTokenizer:
    def __init__(self, model_file: Path) -> None:
        import sentencepiece

        try:
            self._sp = sentencepiece.SentencePieceProcessor(model_file=str(model_file))
        except (OSError, RuntimeError) as exc:
            raise PackError(
                f"cannot read tokenizer {model_file} ({exc}); reinstall the pack"
            ) from None

    def encode(self, text: str) -> list[str]:
        return list(self._sp.encode(text, out_type=str))

    def decode(self, tokens: list[str]) -> str:
        return str(self._sp.decode_pieces(tokens))


class HuggingFaceTokenizer:
    def __init__(self, tokenizer_file: Path) -> None:
        from tokenizers import Tokenizer

        try:
            self._tok = Tokenizer.from_file(str(tokenizer_file))
        except Exception as exc:  # the Rust library raises plain Exception on bad files
            raise PackError(
                f"cannot read tokenizer {tokenizer_file} ({exc}); reinstall the pack"
            ) from None

    def encode(self, text: str) -> list[str]:
        return list(self._tok.encode(text, add_special_tokens=False).tokens)

    def decode(self, tokens: list[str]) -> str:
        ids = [self._tok.token_to_id(token) for token in tokens]
        return str(self._tok.decode([i for i in ids if i is not None]))


def load_tokenizer(path: Path) -> SubwordTokenizer:
    if path.name.endswith(".json"):
        return HuggingFaceTokenizer(path)
    return SentencePieceTokenizer(path)
