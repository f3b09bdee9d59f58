"""Sign engine benchmark on this machine and the real MSL-150 / SILFA data.

    PYTHONPATH=. python bench/sign.py [--shared ../shared]

Measures: MediaPipe Holistic landmark fps at 640×480 (target ≥ 20); end of sign → result latency in
the
engine (target ≤ 1.0 s p50: the segmenter's end-of-sign wait plus recognition compute); top-1
accuracy
split by recording (enrol from the dataset's keypoints of one recording per sign, recognise our own
extraction of the original videos), open-set rejection, fingerspelling on SILFA; peak memory.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np

# Run as a script, this file's folder comes first on sys.path and its name would shadow the package.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]

from sign.dtw import dtw_distances  # noqa: E402
from sign.events import SignResult  # noqa: E402
from sign.features import resample, sequence_features  # noqa: E402
from sign.frames import VideoFileSource  # noqa: E402
from sign.holistic import HolisticExtractor  # noqa: E402
from sign.landmarks import LEFT_WRIST, RIGHT_WRIST, LandmarkSequence  # noqa: E402
from sign.msl import demo_vocabulary, gloss_for, load_sample  # noqa: E402
from sign.pipeline import landmarks_of_video, recognise_landmarks  # noqa: E402
from sign.recogniser import RecogniserConfig  # noqa: E402
from sign.stream import SignStream, StreamConfig  # noqa: E402

SIGNS = ("ambulancia", "doctor", "dolor", "hoy", "yo")


def landmark_fps(video: Path, seconds: float = 6.0) -> tuple[float, int]:
    """Holistic on 640×480 frames (the video letterboxed to 4:3), looping the clip for `seconds`."""
    frames = [
        np.asarray(cv2.resize(f.image, (640, 480)), np.uint8)
        for f in VideoFileSource(video).frames()
    ]
    n = 0
    with HolisticExtractor(max_width=640) as extractor:
        for image in frames[:5]:
            extractor.process(image, 0.0)  # warm-up
        start = time.perf_counter()
        while time.perf_counter() - start < seconds:
            extractor.process(frames[n % len(frames)], n / 30)
            n += 1
        elapsed = time.perf_counter() - start
    return n / elapsed, n


def with_rest(seq: LandmarkSequence, seconds: float = 1.5) -> LandmarkSequence:
    """The sign followed by the signer lowering the hands out of view."""
    n = int(seconds * 30)
    last = seq.slice(len(seq) - 1, len(seq))
    pose = np.repeat(last.pose, n, axis=0)
    pose[:, [LEFT_WRIST, RIGHT_WRIST], 1] = pose[:, [23, 24], 1]
    present = np.repeat(last.present, n, axis=0)
    present[:, 1:3] = False
    rest = replace(
        last,
        t=(seq.t[-1] + (1 + np.arange(n)) / 30).astype(np.float32),
        pose=pose,
        left_hand=np.zeros((n, 21, 3), np.float32),
        right_hand=np.zeros((n, 21, 3), np.float32),
        face=np.repeat(last.face, n, axis=0),
        present=present,
    )
    return LandmarkSequence(
        t=np.concatenate([seq.t, rest.t]),
        pose=np.concatenate([seq.pose, rest.pose]),
        left_hand=np.concatenate([seq.left_hand, rest.left_hand]),
        right_hand=np.concatenate([seq.right_hand, rest.right_hand]),
        face=np.concatenate([seq.face, rest.face]),
        present=np.concatenate([seq.present, rest.present]),
        aspect=seq.aspect,
    )


def latency(stream: SignStream, seq: LandmarkSequence) -> tuple[float, float] | None:
    """(stream-time wait after the sign's last frame, compute seconds of the feed that emitted)."""
    stream.reset()
    for frame in seq.frames():
        start = time.perf_counter()
        events = stream.feed(frame)
        compute = time.perf_counter() - start
        if events:
            return frame.t - events[0].end_s, compute
    return None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared"
    )
    args = parser.parse_args()
    msl = args.shared / "sign" / "msl150"
    rows: list[tuple[str, str, str]] = []

    fps, frames = landmark_fps(msl / "original_source" / "hoy_001.mp4")
    rows.append(("landmark fps, Holistic 640×480", f"{fps:.1f} fps ({frames} frames)", "≥ 20"))

    sequences = load_sample(msl)
    vocabulary = demo_vocabulary(sequences)
    t0 = time.perf_counter()
    videos = {s: landmarks_of_video(msl / "original_source" / f"{s}_001.mp4") for s in SIGNS}
    rows.append(
        ("video → landmarks (5 clips, 720p→640 px)", f"{time.perf_counter() - t0:.1f} s", "")
    )

    for label, use_classifier in (("DTW + classifier", True), ("DTW only", False)):
        config = StreamConfig(recogniser=RecogniserConfig(use_classifier=use_classifier))
        stream = SignStream(vocabulary, config)
        correct = 0
        detail: list[str] = []
        for sign, seq in videos.items():
            events = recognise_landmarks(seq, stream)
            got = events[0].gloss if events and isinstance(events[0], SignResult) else "rejected"
            correct += got == gloss_for(sign)
            detail.append(f"{sign}→{got}")
        rows.append(
            (
                f"top-1 by recording, {label}",
                f"{correct}/5 = {correct / 5:.0%}",
                f"{len(vocabulary.takes)} takes; " + " ".join(detail),
            )
        )

    stream = SignStream(vocabulary)
    waits: list[float] = []
    computes: list[float] = []
    for seq in list(videos.values()):
        for test in (with_rest(seq), seq):  # ends by leaving, and (dolor, yo) by resting
            timing = latency(stream, test)
            if timing is not None:
                waits.append(timing[0])
                computes.append(timing[1])
    total = [w + c for w, c in zip(waits, computes, strict=True)]
    rows.append(
        (
            "end of sign → result, p50",
            f"{statistics.median(total):.2f} s",
            f"≤ 1.0; n={len(total)}, wait p50 {statistics.median(waits):.2f} s, "
            f"compute p50 {statistics.median(computes) * 1000:.0f} ms, max {max(total):.2f} s",
        )
    )

    open_rejected = 0
    for sign, seq in videos.items():
        vocab = demo_vocabulary([s for s in sequences if s.sign != sign])
        del vocab.glosses[gloss_for(sign)]
        events = recognise_landmarks(seq, SignStream(vocab))
        open_rejected += not any(isinstance(e, SignResult) for e in events)
    rows.append(("open set: sign not in vocabulary rejected", f"{open_rejected}/5", ""))

    same: list[float] = []
    emb = np.stack([resample(sequence_features(s.landmarks), 32) for s in sequences])
    labels = np.array([s.sign for s in sequences])
    other: list[float] = []
    for i in range(len(sequences)):
        d = dtw_distances(emb[i], emb)
        d[i] = np.inf
        same.append(d[labels == labels[i]].min())
        other.append(d[labels != labels[i]].min())
    rows.append(
        (
            "MSL grouping: nearest same-sign / other-sign DTW",
            f"{np.median(same):.3f} / {np.min(other):.3f}",
            "median / min: one recording per sign, no within-sign split",
        )
    )

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows.append(("peak memory (RSS)", f"{peak_mb:.0f} MB", "whole benchmark process"))

    width = max(len(r[0]) for r in rows)
    value_width = max(len(r[1]) for r in rows)
    print(f"{'measure':<{width}}  {'value':<{value_width}}  target / notes")
    print("-" * (width + value_width + 40))
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:<{value_width}}  {note}")


if __name__ == "__main__":
    main()
