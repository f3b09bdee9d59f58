"""Tiny but real CTranslate2 translation models for the MT tests, built from hand-set weights.

`build_mapping_model` saves a one-layer Transformer whose cross-attention attends from target
position p to source position p and whose output layer maps each copied source token through a
token mapping: with the identity it copies its input; with a word mapping it "translates" word by
word. Tokenizers are real too: a SentencePiece model trained in the test's folder, or a
word-level Hugging Face tokenizer.json.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from translate import languages

SPECIALS = ("<unk>", "<s>", "</s>", "<pad>")


def build_mapping_model(
    out_dir: Path,
    vocabulary: Sequence[str],
    mapping: Mapping[str, str] | None = None,
    max_positions: int = 96,
    decoder_start: str = "</s>",
) -> None:
    """Save a CTranslate2 Transformer that outputs mapping[source token p] at target position p."""
    from ctranslate2.specs import TransformerSpec

    vocab = list(vocabulary)
    index = {token: i for i, token in enumerate(vocab)}
    size = len(vocab)
    positions = max_positions
    depth = 2 * size + positions  # [decoder input token | copied token | position]
    pos0 = 2 * size

    spec = TransformerSpec.from_config(1, 1, pre_norm=True)
    enc, dec = spec.encoder, spec.decoder
    eye = np.eye(size, dtype=np.float32)

    token_embeddings = np.zeros((size, depth), dtype=np.float32)
    token_embeddings[:, :size] = eye
    position_encodings = np.zeros((positions, depth), dtype=np.float32)
    position_encodings[:, pos0:] = np.eye(positions, dtype=np.float32)

    enc.embeddings[0].weight = token_embeddings
    enc.scale_embeddings = False
    enc.position_encodings.encodings = position_encodings
    dec.embeddings.weight = token_embeddings.copy()
    dec.scale_embeddings = False
    dec.position_encodings.encodings = position_encodings.copy()

    def norm(layer_norm: object) -> None:
        layer_norm.gamma = np.ones(depth, dtype=np.float32)  # type: ignore[attr-defined]
        layer_norm.beta = np.zeros(depth, dtype=np.float32)  # type: ignore[attr-defined]

    def linear(spec_linear: object, weight: np.ndarray) -> None:
        spec_linear.weight = weight.astype(np.float32)  # type: ignore[attr-defined]
        spec_linear.bias = np.zeros(weight.shape[0], dtype=np.float32)  # type: ignore[attr-defined]

    def silent_layer(layer: object) -> None:
        attention = layer.self_attention  # type: ignore[attr-defined]
        norm(attention.layer_norm)
        linear(attention.linear[0], np.zeros((3 * depth, depth)))
        linear(attention.linear[1], np.zeros((depth, depth)))
        ffn = layer.ffn  # type: ignore[attr-defined]
        norm(ffn.layer_norm)
        linear(ffn.linear_0, np.zeros((4, depth)))
        linear(ffn.linear_1, np.zeros((depth, 4)))

    silent_layer(enc.layer[0])
    norm(enc.layer_norm)
    silent_layer(dec.layer[0])
    cross = dec.layer[0].attention
    norm(cross.layer_norm)
    query = np.zeros((depth, depth))
    query[pos0:, pos0:] = 3.0 * np.eye(positions)
    key_value = np.zeros((2 * depth, depth))
    key_value[pos0:depth, pos0:] = np.eye(positions)  # keys: source positions
    key_value[depth + size : depth + 2 * size, :size] = np.eye(size)  # values: source tokens
    out = np.zeros((depth, depth))
    out[size : 2 * size, size : 2 * size] = np.eye(size)
    linear(cross.linear[0], query)
    linear(cross.linear[1], key_value)
    linear(cross.linear[2], out)
    norm(dec.layer_norm)
    projection = np.zeros((size, depth))
    for token, i in index.items():
        target = (mapping or {}).get(token, token)
        projection[index[target], size + i] = 1.0
    linear(dec.projection, projection)

    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    spec.config.decoder_start_token = decoder_start  # type: ignore[attr-defined]
    spec.validate()
    spec.save(str(out_dir))


def train_sentencepiece(folder: Path, sentences: Sequence[str], vocab_size: int = 120) -> Path:
    import sentencepiece

    corpus = folder / "corpus.txt"
    corpus.write_text("\n".join(sentences) + "\n", encoding="utf-8")
    prefix = folder / "sentencepiece.bpe"
    sentencepiece.SentencePieceTrainer.train(
        input=str(corpus),
        model_prefix=str(prefix),
        vocab_size=vocab_size,
        model_type="bpe",
        character_coverage=1.0,
        hard_vocab_limit=False,
        minloglevel=2,
        unk_id=0,
        bos_id=1,
        eos_id=2,
        pad_id=3,
        unk_piece="<unk>",
        bos_piece="<s>",
        eos_piece="</s>",
        pad_piece="<pad>",
    )
    corpus.unlink()
    (folder / "sentencepiece.bpe.vocab").unlink()
    return folder / "sentencepiece.bpe.model"


def sentencepiece_vocabulary(model_file: Path) -> list[str]:
    import sentencepiece

    sp = sentencepiece.SentencePieceProcessor(model_file=str(model_file))
    return [sp.id_to_piece(i) for i in range(sp.get_piece_size())]


def write_word_tokenizer(path: Path, words: Sequence[str]) -> list[str]:
    """A word-level Hugging Face tokenizer.json; returns its vocabulary in id order."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers

    vocab = list(SPECIALS) + [w for w in dict.fromkeys(words) if w not in SPECIALS]
    tokenizer = Tokenizer(models.WordLevel({w: i for i, w in enumerate(vocab)}, unk_token="<unk>"))
    tokenizer.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tokenizer.decoder = decoders.WordPiece(prefix="##")  # joins words with spaces
    tokenizer.save(str(path))
    return vocab


def write_manifest(folder: Path, **fields: object) -> None:
    lines = []
    for key, value in fields.items():
        lines.append(f"{key} = {json.dumps(value, ensure_ascii=False)}")
    (folder / "changgu-pack.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


CORPUS = [
    "the fee is 3000 won",
    "please come back on friday",
    "my name is Nguyen Van An",
    "I need a residence card",
    "where is the office",
    "thank you very much",
    "hello how are you",
    "the document is ready",
    "please wait a moment",
    "we will send a message",
]


def nllb_codes() -> list[str]:
    return [language.nllb for language in languages.all()]


def word_pack(
    root: Path,
    name: str,
    source: str,
    target: str,
    mapping: Mapping[str, str],
    extra: Sequence[str],
) -> Path:
    """A one-direction Marian-framed pack with a word tokenizer that maps words by `mapping`."""
    folder = root / name
    folder.mkdir(parents=True)
    words = [*mapping.keys(), *mapping.values(), *extra]
    vocab = write_word_tokenizer(folder / "tokenizer.json", words)
    build_mapping_model(folder, vocab, mapping, decoder_start="<pad>")
    write_manifest(
        folder, name=name, family="marian", licence="MIT (test model)", source=source, target=target
    )
    return folder
