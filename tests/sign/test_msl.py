"""Reading the MSL-150 keypoint folders."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from sign.errors import SignError
from sign.landmarks import MSL_VECTOR_SIZE
from sign.msl import load_sample

if TYPE_CHECKING:
    from .conftest import NamedPipe


def test_keypoint_file_that_is_a_named_pipe_is_refused(
    tmp_path: Path, named_pipe: Callable[[Path], NamedPipe]
) -> None:
    sequence = tmp_path / "msl150" / "sample_npy" / "hoy" / "1"
    sequence.mkdir(parents=True)
    np.save(sequence / "0.npy", np.zeros(MSL_VECTOR_SIZE, np.float32))
    pipe = named_pipe(sequence / "1.npy")
    error = pipe.outcome(lambda: load_sample(tmp_path / "msl150"))
    assert isinstance(error, SignError)
    assert f"{pipe.path} is a named pipe (FIFO), not a file" in str(error)
    assert "copy the demo subset again" in str(error)


def test_keypoint_folder_loads(tmp_path: Path) -> None:
    sequence = tmp_path / "msl150" / "sample_npy" / "hoy" / "1"
    sequence.mkdir(parents=True)
    for frame in range(3):
        np.save(sequence / f"{frame}.npy", np.full(MSL_VECTOR_SIZE, frame + 1, np.float32))
    (loaded,) = load_sample(tmp_path / "msl150")
    assert (loaded.sign, loaded.sequence, len(loaded.landmarks)) == ("hoy", "1", 3)
    assert loaded.landmarks.right_hand[2, 0, 0] == 3
