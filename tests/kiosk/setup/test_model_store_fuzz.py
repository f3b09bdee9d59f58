"""Property tests: a model or translation pack from a USB stick (folder or archive, with any
names, links, devices or garbage in it) installs soundly or is refused with a message — never a
traceback, never a file written outside the data folder, never a half-installed model."""

from __future__ import annotations

import io
import os
import shutil
import tarfile
import tempfile
import zipfile
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from kiosk.cli import main
from kiosk.setup.model_store import ModelError, ModelManager, ModelState, sha256_file

MODEL = "silero_vad_v6.onnx"

names = st.sampled_from(
    [
        f"silero-vad/{MODEL}",
        MODEL,
        f"../{MODEL}",
        f"/tmp/{MODEL}",
        f"a/b/{MODEL}",
        f"silero-vad/../../{MODEL}",
        "notes.txt",
        "silero-vad",
        "",
        ".",
    ]
)
kinds = st.sampled_from(["real", "garbage", "empty", "symlink", "hardlink", "dir", "fifo"])
# half the time the stick also holds the real model where it belongs, among the rest
entries = st.tuples(st.booleans(), st.lists(st.tuples(names, kinds), min_size=1, max_size=5)).map(
    lambda drawn: ([(f"silero-vad/{MODEL}", "real")] if drawn[0] else []) + drawn[1]
)


@cache
def _real_model() -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        folder = ModelManager(root=Path(tmp)).install("silero-vad")
        return (folder / MODEL).read_bytes()


def _content(kind: str) -> bytes:
    return {"real": _real_model(), "garbage": os.urandom(4096), "empty": b""}.get(kind, b"")


def _check_outcome(manager: ModelManager, top: Path, install) -> None:
    """Run `install`; then the model is intact or absent, and nothing else changed."""
    secret = top / "secret"
    before = {p for p in top.rglob("*") if manager.root not in p.parents}
    try:
        install()
    except ModelError:
        event("refused")
        assert manager.state("silero-vad") is ModelState.MISSING
    else:
        event("installed")
        assert manager.state("silero-vad", deep=True) is ModelState.INSTALLED
        model = manager.folder("silero-vad") / MODEL
        assert not model.is_symlink() and model.read_bytes() == _real_model()
    assert not list(manager.root.glob(".silero-vad.partial-*"))
    after = {p for p in top.rglob("*") if manager.root not in p.parents}
    assert after == before  # nothing written beside the data folder
    assert secret.read_bytes() == b"secret"


def _setup(tmp: str) -> tuple[Path, ModelManager]:
    top = Path(tmp)
    (top / "secret").write_bytes(b"secret")
    manager = ModelManager(root=top / "data" / "models")
    manager.root.mkdir(parents=True)
    return top, manager


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(entries, st.sampled_from(["tar.gz", "zip"]))
def test_any_model_archive_installs_soundly_or_is_refused(
    members: list[tuple[str, str]], fmt: str
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        top, manager = _setup(tmp)
        archive = top / f"stick.{fmt}"
        if fmt == "zip":
            with zipfile.ZipFile(archive, "w") as zf:
                for name, kind in dict(members).items():
                    if name not in ("", "."):
                        zf.writestr(name + ("/" if kind == "dir" else ""), _content(kind))
        else:
            with tarfile.open(archive, "w:gz") as tf:
                for name, kind in members:
                    info = tarfile.TarInfo(name or "x")
                    data = _content(kind)
                    if kind == "symlink":
                        info.type, info.linkname = tarfile.SYMTYPE, str(top / "secret")
                    elif kind == "hardlink":
                        info.type, info.linkname = tarfile.LNKTYPE, str(top / "secret")
                    elif kind == "dir":
                        info.type = tarfile.DIRTYPE
                    elif kind == "fifo":
                        info.type = tarfile.FIFOTYPE
                    else:
                        info.size = len(data)
                    tf.addfile(info, io.BytesIO(data) if info.isfile() else None)
        _check_outcome(manager, top, lambda: manager.install("silero-vad", source_path=archive))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(entries, st.booleans())
def test_any_model_folder_installs_soundly_or_is_refused(
    members: list[tuple[str, str]], give_parent: bool
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        top, manager = _setup(tmp)
        stick = top / "usb"
        stick.mkdir()
        for name, kind in members:
            path = (stick / name.lstrip("/")).resolve()
            if stick.resolve() not in path.parents:
                continue  # a folder on a stick cannot hold a path outside itself
            if path.exists() or path.is_symlink():
                continue
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except (FileExistsError, NotADirectoryError):
                continue  # a file of that name is already there
            if kind == "symlink":
                path.symlink_to(top / "secret")
            elif kind == "hardlink":
                shutil.copyfile(top / "secret", path)  # a hard link cannot leave the stick's disk
            elif kind == "dir":
                path.mkdir()
            elif kind == "fifo":
                os.mkfifo(path)
            else:
                path.write_bytes(_content(kind))
        source = stick if give_parent else stick / "silero-vad"
        if not source.exists():
            source = stick
        _check_outcome(manager, top, lambda: manager.install("silero-vad", source_path=source))


@cache
def _pack_template() -> Path:
    from tests.translate.mt_models import word_pack

    root = Path(tempfile.mkdtemp(prefix="changgu-fuzz-pack-"))
    return word_pack(root, "words-id-en", "id", "en", {"kucing": "cat"}, ["satu"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["model.bin", "config.json", "notes.txt", "sub/x", "tokenizer.json"]),
            st.sampled_from(["symlink", "garbage", "empty", "delete", "fifo"]),
        ),
        max_size=3,
    )
)
def test_any_translation_pack_folder_installs_soundly_or_is_refused(
    changes: list[tuple[str, str]],
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        top = Path(tmp)
        (top / "secret").write_bytes(b"secret")
        folder = top / "usb" / "words-id-en"
        shutil.copytree(_pack_template(), folder)
        for name, kind in changes:
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.is_dir():
                continue
            path.unlink(missing_ok=True)
            if kind == "symlink":
                path.symlink_to(top / "secret")
            elif kind == "fifo":
                os.mkfifo(path)
            elif kind != "delete":
                path.write_bytes(os.urandom(64) if kind == "garbage" else b"")
        data = top / "data"
        old = os.environ.get("CHANGGU_DATA_DIR")
        os.environ["CHANGGU_DATA_DIR"] = str(data)
        try:
            code = main(["models", "install", "--from", str(folder)])
        finally:
            if old is None:
                del os.environ["CHANGGU_DATA_DIR"]
            else:
                os.environ["CHANGGU_DATA_DIR"] = old
        assert code in (0, 2)  # installed, or a message; 1 would be an unexpected failure
        event(f"exit code {code}")
        installed = data / "models" / "mt" / "words-id-en"
        if code == 0:
            assert not any(p.is_symlink() for p in installed.rglob("*"))
            assert sha256_file(installed / "model.bin") == sha256_file(folder / "model.bin")
        assert (top / "secret").read_bytes() == b"secret"
        written = {p.relative_to(top).parts[0] for p in top.rglob("*")}
        assert written <= {"secret", "usb", "data"}
