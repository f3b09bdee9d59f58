from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sign.dtw import dtw_distances


def _reference(x: np.ndarray, y: np.ndarray) -> float:
    cost = np.linalg.norm(x[:, None] - y[None], axis=2)
    n, m = cost.shape
    acc = np.full((n + 1, m + 1), np.inf)
    acc[0, 0] = 0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            acc[i, j] = cost[i - 1, j - 1] + min(acc[i - 1, j], acc[i, j - 1], acc[i - 1, j - 1])
    return float(acc[n, m] / (n + m))


@settings(max_examples=20, deadline=None)
@given(n=st.integers(2, 12), m=st.integers(2, 12), seed=st.integers(0, 1000))
def test_matches_the_textbook_recursion(n: int, m: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    q = rng.normal(size=(n, 3)).astype(np.float32)
    t = rng.normal(size=(4, m, 3)).astype(np.float32)
    got = dtw_distances(q, t, band=1.0)
    np.testing.assert_allclose(got, [_reference(q, x) for x in t], rtol=1e-5)


def test_time_warped_copy_is_closer_than_another_signal() -> None:
    x = np.sin(np.linspace(0, 6, 30))[:, None].astype(np.float32)
    warped = np.sin(np.linspace(0, 6, 30) ** 1.1 / 6**0.1)[:, None].astype(np.float32)
    other = np.cos(np.linspace(0, 6, 30))[:, None].astype(np.float32)
    d = dtw_distances(x, np.stack([warped, other]))
    assert d[0] < d[1] / 3
