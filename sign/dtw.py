"""Dynamic time warping of one query against many templates at once (numpy, batched)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def dtw_distances(
    query: NDArray[np.float32], templates: NDArray[np.float32], band: float = 0.4
) -> NDArray[np.float64]:
    """Normalised DTW distance of `query` (n, D) to each of `templates` (K, m, D).

    Frame cost is Euclidean distance; the path is restricted to a Sakoe–Chiba band of `band` × the
    longer
    length around the diagonal; the total is divided by n + m so that lengths do not bias scores.
    """
    if templates.ndim != 3 or query.ndim != 2 or templates.shape[2] != query.shape[1]:
        raise ValueError(f"shape mismatch: query {query.shape}, templates {templates.shape}")
    k, m, _ = templates.shape
    n = query.shape[0]
    if k == 0:
        return np.zeros(0)
    q = query.astype(np.float64)
    tpl = templates.astype(np.float64)
    # cost[k, i, j] = |q_i - t_kj|
    sq = (
        (q**2).sum(1)[None, :, None]
        + (tpl**2).sum(2)[:, None, :]
        - 2.0 * np.einsum("id,kjd->kij", q, tpl)
    )
    cost = np.sqrt(np.maximum(sq, 0.0))
    radius = max(int(np.ceil(band * max(n, m))), abs(n - m) + 1)
    acc = np.full((k, n + 1, m + 1), np.inf)
    acc[:, 0, 0] = 0.0
    for i in range(1, n + 1):
        centre = i * m / n
        lo = max(1, int(np.floor(centre - radius)))
        hi = min(m, int(np.ceil(centre + radius)))
        prev = acc[:, i - 1]
        row = acc[:, i]
        # diagonal and vertical moves are vectorised; the horizontal move is a running minimum
        best = np.minimum(prev[:, lo - 1 : hi], prev[:, lo : hi + 1])
        for j in range(lo, hi + 1):
            row[:, j] = cost[:, i - 1, j - 1] + np.minimum(best[:, j - lo], row[:, j - 1])
    return np.asarray(acc[:, n, m] / (n + m))
