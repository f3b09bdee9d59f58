"""Fixtures on the real signer data in ../shared/sign (MSL-150 and SILFA, both MIT), and on
files that are not what they seem (named pipes, sound without a picture)."""

from __future__ import annotations

import errno
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from sign.holistic import HolisticExtractor
from sign.landmarks import Landmarks, LandmarkSequence
from sign.msl import MslSequence, demo_vocabulary, load_sample
from sign.pipeline import landmarks_of_video
from sign.vocabulary import SignVocabulary

MSL_SIGNS = ("ambulancia", "doctor", "dolor", "hoy", "yo")


@pytest.fixture(scope="session")
def msl_root(shared_dir: Path) -> Path:
    root = shared_dir / "sign" / "msl150"
    if not root.is_dir():
        pytest.skip(f"MSL-150 demo subset not found at {root}")
    return root


@pytest.fixture(scope="session")
def silfa_root(shared_dir: Path) -> Path:
    root = shared_dir / "sign" / "silfa" / "images"
    if not root.is_dir():
        pytest.skip(f"SILFA images not found at {root}")
    return root


@pytest.fixture(scope="session")
def msl_sequences(msl_root: Path) -> list[MslSequence]:
    return load_sample(msl_root)


DEMO_TAKES = 8  # takes per sign in the bundled demo pack (assets/sign/msl-demo.signpack)


@pytest.fixture(scope="session")
def msl_vocabulary(msl_sequences: list[MslSequence]) -> SignVocabulary:
    """The bundled demo pack's composition: the first 8 usable MSL-150 keypoint sequences of each
    sign as takes (the dataset's own extraction)."""
    return demo_vocabulary(msl_sequences, DEMO_TAKES)


@pytest.fixture(scope="session")
def video_landmarks(msl_root: Path) -> dict[str, LandmarkSequence]:
    """Our MediaPipe pipeline on the five original MSL videos (downscaled to 640 px)."""
    return {
        sign: landmarks_of_video(msl_root / "original_source" / f"{sign}_001.mp4")
        for sign in MSL_SIGNS
    }


@pytest.fixture(scope="session")
def silfa_landmarks(silfa_root: Path) -> dict[str, list[Landmarks]]:
    """Holistic on every SILFA photo (static mode), by letter."""
    import cv2

    out: dict[str, list[Landmarks]] = {}
    with HolisticExtractor(static_images=True, max_width=852) as extractor:
        for letter_dir in sorted(silfa_root.iterdir()):
            for photo in sorted(letter_dir.glob("*.jpg")):
                image = cv2.imread(str(photo))
                assert image is not None, photo
                out.setdefault(letter_dir.name, []).append(extractor.process(image, 0.0))
    return out


@dataclass(frozen=True)
class NamedPipe:
    """A FIFO at `path`. Opening it to read waits for a writer, so code that reads it by name
    blocks; `outcome` runs such code where a block ends the test instead of the run."""

    path: Path

    def outcome(self, call: Callable[[], object], within_s: float = 20.0) -> BaseException | None:
        """What `call` raised (None when it returned). If it is still running after `within_s`,
        the pipe is opened for writing and closed until the reader sees its end, and the test
        fails: the code waited on the pipe."""
        raised: list[BaseException] = []

        def run() -> None:
            try:
                call()
            except BaseException as exc:  # handed to the test thread
                raised.append(exc)

        worker = threading.Thread(target=run, name="named-pipe-reader", daemon=True)
        worker.start()
        worker.join(within_s)
        if worker.is_alive():
            deadline = time.monotonic() + 30.0
            while worker.is_alive() and time.monotonic() < deadline:
                self._release_reader()
                worker.join(0.2)
            pytest.fail(f"blocked for {within_s:.0f} s reading the named pipe {self.path}")
        return raised[0] if raised else None

    def _release_reader(self) -> None:
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as exc:
            if exc.errno != errno.ENXIO:  # ENXIO: nobody has it open for reading yet
                raise
            return
        os.close(fd)


@pytest.fixture
def named_pipe() -> Callable[[Path], NamedPipe]:
    """Makes a FIFO at the given path."""

    def make(path: Path) -> NamedPipe:
        path.parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(path)
        return NamedPipe(path)

    return make
