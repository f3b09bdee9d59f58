"""The model manifest: every model it names can be installed in a folder of its own name."""

from __future__ import annotations

import json

import pytest

from kiosk.setup.model_manifest import ModelError, load_manifest, parse_manifest
from kiosk.setup.model_store import ModelSpec


def _manifest(name: str, file: str = "model.onnx") -> str:
    return (
        f"[[model]]\nname = {json.dumps(name)}\nrole = 'vad'\ndescription = 'a model'\n"
        f"licence = 'MIT'\nsize_mb = 1\n[model.files]\n{json.dumps(file)} = ''\n"
    )


def test_the_shipped_manifest_names_plain_folders() -> None:
    specs = load_manifest()
    assert {"whisper-base", "silero-vad"} <= {s.name for s in specs}
    assert parse_manifest(_manifest("whisper-base"))[0].name == "whisper-base"


@pytest.mark.parametrize(
    ("name", "file"),
    [
        ("../escape", "model.onnx"),
        ("a/b", "model.onnx"),
        ("..", "model.onnx"),
        (".hidden", "model.onnx"),
        ("", "model.onnx"),
        ("nul\x00", "model.onnx"),
        ("y" * 65, "model.onnx"),
        ("whisper-base", "../../.bashrc"),
        ("whisper-base", "model\x00.onnx"),
    ],
)
def test_a_manifest_naming_anything_but_a_plain_folder_or_file_is_refused(
    name: str, file: str
) -> None:
    with pytest.raises(ModelError, match=r"not a plain file or folder name.*Reinstall Changgu"):
        parse_manifest(_manifest(name, file))
    with pytest.raises(ModelError, match="not a plain file or folder name"):
        ModelSpec(name, "vad", "a model", "MIT", 1.0, {file: ""}, ())


@pytest.mark.parametrize(
    ("stored", "file_hash"),
    [
        ("quantize = 'int4'\n[model.source_files]\n'model.onnx' = 'ab'\n", "cd"),  # unknown scheme
        ("quantize = 'int8'\n", "cd"),  # nothing to quantize from
        ("quantize = 'int8'\n[model.source_files]\n'other.bin' = 'ab'\n", "cd"),  # not its file
        ("[model.source_files]\n'model.onnx' = 'ab'\n", "cd"),  # a release with nothing done
        ("quantize = 'int8'\n[model.source_files]\n'model.onnx' = 'ab'\n", ""),  # stored: unknown
    ],
    ids=["scheme", "no-source", "other-file", "no-quantize", "stored-unknown"],
)
def test_a_stored_form_this_version_cannot_make_is_refused(stored: str, file_hash: str) -> None:
    text = _manifest("whisper-base").replace("= ''\n", f"= '{file_hash}'\n")
    text = text.replace("[model.files]", stored + "[model.files]")
    with pytest.raises(ModelError, match=r"not one this version can install.*Reinstall Changgu"):
        parse_manifest(text)
