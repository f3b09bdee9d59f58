"""Whisper weights stored as int8: the float16 release quantized once, at install, as CTranslate2
quantizes it every time it loads.

The kiosk always decodes Whisper with `compute_type="int8"`. Given float16 weights, CTranslate2
quantizes the linear and embedding weights to int8 as it loads them (one scale per row) and keeps
the convolutions in float. Doing the same once, with CTranslate2's own quantizer
(`ctranslate2.specs`), gives a model file half the size that decodes word for word and score for
score as the float16 one did, and loads without the conversion.

A CTranslate2 model file (binary version 6): the version, the spec's name and revision, the
variables (name, shape, dtype, bytes), then the aliases (one variable standing for another). Only
a Whisper file is read here, and only after its sha256 has been checked against the manifest,
so a damaged or foreign file is refused before this code sees it; the reader still checks every
length against the file it reads.
"""

from __future__ import annotations

import os
import re
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
import numpy.typing as npt

BINARY_VERSION = 6
#: In the order of CTranslate2's DataType enum.
DTYPES = ("float32", "int8", "int16", "int32", "float16", "bfloat16")
#: Weights CTranslate2 leaves in float when it quantizes at load time.
FLOAT_KEPT = re.compile(r"(^|/)conv\d+/weight$")


class WeightsError(ValueError):
    """A model file that is not a CTranslate2 Whisper model this code can read."""


@dataclass(frozen=True)
class ModelFile:
    name: str
    revision: int
    variables: dict[str, npt.NDArray[np.generic]]
    aliases: dict[str, str]  # alias -> the variable it stands for


def read_model(path: Path) -> ModelFile:
    size = path.stat().st_size
    with path.open("rb") as fh:
        reader = _Reader(fh, size)
        version = reader.unpack("I")
        if version != BINARY_VERSION:
            raise WeightsError(f"{path.name} is CTranslate2 binary version {version}, not 6")
        name = reader.string()
        revision = reader.unpack("I")
        variables: dict[str, npt.NDArray[np.generic]] = {}
        for _ in range(reader.count()):
            var = reader.string()
            dims = [reader.unpack("I") for _ in range(reader.unpack("B"))]
            dtype_id = reader.unpack("B")
            if dtype_id >= len(DTYPES) or DTYPES[dtype_id] == "bfloat16":
                raise WeightsError(f"{var} has a data type this reader does not take")
            nbytes = reader.unpack("I")
            dtype = np.dtype(DTYPES[dtype_id])
            if nbytes != int(np.prod(dims, dtype=np.int64)) * dtype.itemsize:
                raise WeightsError(f"{var}'s size does not match its shape")
            variables[var] = np.frombuffer(reader.take(nbytes), dtype=dtype).reshape(dims)
        aliases = {}
        for _ in range(reader.count()):
            alias = reader.string()
            aliases[alias] = reader.string()
        if fh.read(1):
            raise WeightsError(f"{path.name} has bytes after its last alias")
    return ModelFile(name, revision, variables, aliases)


def quantize_whisper_int8(source: Path, target: Path) -> None:
    """Write `source` (a float16 or float32 Whisper model.bin) as int8 weights to `target`."""
    from ctranslate2.specs import model_spec, whisper_spec

    model = read_model(source)
    if model.name != "WhisperSpec":
        raise WeightsError(f"{source.name} holds a {model.name}, not a Whisper model")
    v = model.variables
    spec = whisper_spec.WhisperSpec(
        _layers(v, "encoder"),
        int(v["encoder/num_heads"].item()),
        _layers(v, "decoder"),
        int(v["decoder/num_heads"].item()),
    )
    if spec.revision != model.revision:
        raise WeightsError(f"{source.name} is Whisper spec revision {model.revision}")
    for name, value in v.items():
        scope, attr = model_spec._parent_scope(name)
        layer = model_spec.index_spec(spec, scope)
        if not hasattr(layer, attr):
            raise WeightsError(f"{source.name} has {name}, which a Whisper model does not")
        setattr(layer, attr, value if value.ndim else value[()])
    for alias, name in model.aliases.items():  # filled for the check, aliased again below
        scope, attr = model_spec._parent_scope(alias)
        setattr(model_spec.index_spec(spec, scope), attr, v[name])
    model_spec.LayerSpec.validate(spec)  # every variable there (the vocabulary is not in it)
    for alias, name in model.aliases.items():
        scope, attr = model_spec._parent_scope(alias)
        setattr(model_spec.index_spec(spec, scope), attr, name)
    spec._quantize("int8", variable_filter=lambda name: not FLOAT_KEPT.search(name))
    spec._serialize(str(target))


def _layers(variables: dict[str, npt.NDArray[np.generic]], part: str) -> int:
    found = {m.group(1) for n in variables if (m := re.match(rf"{part}/layer_(\d+)/", n))}
    return len(found)


class _Reader:
    def __init__(self, fh: BinaryIO, size: int) -> None:
        self.fh = fh
        self.left = size

    def take(self, n: int) -> bytes:
        if n > self.left:
            raise WeightsError("the model file is cut short")
        data = self.fh.read(n)
        if len(data) != n:
            raise WeightsError("the model file is cut short")
        self.left -= n
        return data

    def unpack(self, fmt: str) -> int:
        value: int = struct.unpack("<" + fmt, self.take(struct.calcsize(fmt)))[0]
        return value

    def count(self) -> int:
        n = self.unpack("I")
        if n > 100_000:
            raise WeightsError("the model file lists an implausible number of entries")
        return n

    def string(self) -> str:
        raw = self.take(self.unpack("H"))
        if not raw.endswith(b"\0"):
            raise WeightsError("a name in the model file is not terminated")
        try:
            return raw[:-1].decode("utf-8")
        except UnicodeDecodeError:
            raise WeightsError("a name in the model file is not UTF-8") from None


def replace_with_int8(path: Path) -> None:
    """Quantize the model file at `path` in place (through a temporary file beside it)."""
    tmp = path.with_name(f".{path.name}.int8")
    try:
        quantize_whisper_int8(path, tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
