"""Sign engine benchmark on this machine and the real MSL-150 / SILFA data.

    PYTHONPATH=. python bench/sign.py [--shared ../shared]

Measures: MediaPipe Holistic landmark fps at 640×480 (target ≥ 20); end of sign → result latency in
the
engine (target ≤ 1.0 s p50: the segmenter's end-of-sign wait plus recognition compute); top-1
accuracy
split by recording (enrol from the dataset's keypoints of one recording per sign, recognise our own
extraction of the original videos), open-set rejection, fingerspelling on SILFA; peak memory.

Kiosk level (`--kiosk-runs N`, 0 to skip): the real kiosk and staff screen (offscreen Qt) in
deaf-visitor mode with each MSL video as the camera, paced in real time and followed by 1.5 s of an
empty picture (the signer has left). Latency is from the end of the sign (the segment's `end_s` on
the video's clock) to the Korean text painted on the staff screen (`StaffScreen.painted`), p50/p95.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import sys
import tempfile
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
from sign.frames import Frame, VideoFileSource  # noqa: E402
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


class PaddedVideo:
    """A video file as a live camera: paced in real time, then `rest_s` of an empty picture."""

    is_file = True  # plays once (kiosk.sign_input)

    def __init__(self, path: Path, rest_s: float = 1.5) -> None:
        self.path, self.rest_s = path, rest_s
        self._closed = False

    def __call__(self, on_status: object) -> PaddedVideo:
        self._closed = False
        return self

    def frames(self):  # type: ignore[no-untyped-def]
        source = VideoFileSource(self.path)
        fps = source.fps
        started = time.monotonic()
        index = 0
        blank = None
        for frame in source.frames():
            if self._closed:
                return
            blank = np.full_like(frame.image, 128)
            time.sleep(max(0.0, started + index / fps - time.monotonic()))
            yield Frame(frame.image, index / fps, index)
            index += 1
        for _ in range(round(self.rest_s * fps)):
            if self._closed or blank is None:
                return
            time.sleep(max(0.0, started + index / fps - time.monotonic()))
            yield Frame(blank, index / fps, index)
            index += 1

    def close(self) -> None:
        self._closed = True


def kiosk_latency(msl: Path, runs: int) -> tuple[list[float], list[float], list[str]]:
    """End of sign → Korean text painted on the staff screen, through the real kiosk and UI.

    Returns (end → painted seconds, end → recognised seconds, what was shown per run).
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    folder = tempfile.mkdtemp(prefix="changgu-bench-")  # no office vocabulary: the MSL demo pack
    os.environ["CHANGGU_DATA_DIR"] = folder
    os.environ["CHANGGU_CONFIG_DIR"] = folder
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from kiosk import paths
    from kiosk.pipeline import Kiosk
    from kiosk.session import KSL
    from kiosk.settings import Settings
    from kiosk.ui.theme import REFERENCE_DPI
    from kiosk.ui.window import KioskUI
    from translate import Translator

    app = QApplication.instance() or QApplication(sys.argv[:1])
    kiosk = Kiosk(Settings())
    kiosk.translator = Translator.load(paths.cache_dir(), semantic=False)
    ui = KioskUI(kiosk, dpi=REFERENCE_DPI)
    for window in ui.windows:
        window.resize(1920, 1080)
        window.show()
    painted: dict[int, float] = {}
    ui.staff.painted = lambda turn: painted.setdefault(turn.turn_id, time.perf_counter())

    def wait(until, timeout_s: float) -> None:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + timeout_s
        while not until() and time.monotonic() < deadline:
            loop = QEventLoop()  # (QTest.qWait would hold the GIL the worker needs)
            QTimer.singleShot(20, loop.quit)
            loop.exec()

    to_painted: list[float] = []
    to_recognised: list[float] = []
    shown: list[str] = []
    for _ in range(runs):
        for sign in SIGNS:
            kiosk.new_visit()  # turn ids start again at 1
            painted.clear()
            wait(lambda: False, 0.3)
            kiosk.sign_source = PaddedVideo(msl / "original_source" / f"{sign}_001.mp4")
            kiosk.choose_language(KSL)
            wait(lambda: not kiosk.sign.running, 20)  # the video and its empty tail played
            wait(lambda: False, 0.2)  # the last result's way to the screen
            turns = {t.turn_id: t for t in kiosk.session.turns}
            timings = [t for t in kiosk.sign_timings if t.turn_id in turns]
            for timing in timings:
                if timing.turn_id in painted:
                    to_painted.append(painted[timing.turn_id] - timing.ended_at)
                    to_recognised.append(timing.recognised_at - timing.ended_at)
            got = ",".join(turns[t.turn_id].text for t in timings) or "-"
            shown.append(f"{sign}→{got}")
            kiosk.sign_timings.clear()
    kiosk.stop()
    for window in ui.windows:
        window.allow_close = True
        window.close()
    app.processEvents()
    shutil.rmtree(folder, ignore_errors=True)
    return to_painted, to_recognised, shown


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared"
    )
    parser.add_argument(
        "--kiosk-runs", type=int, default=2, help="passes over the 5 videos through the kiosk UI"
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

    if args.kiosk_runs > 0:
        to_painted, to_recognised, shown = kiosk_latency(msl, args.kiosk_runs)
        if to_painted:
            rows.append(
                (
                    "kiosk: end of sign → text on staff screen, p50",
                    f"{statistics.median(to_painted):.2f} s",
                    f"≤ 1.0; p95 {_p95(to_painted):.2f} s, n={len(to_painted)}, end → result "
                    f"p50 {statistics.median(to_recognised):.2f} s; real-time video + 1.5 s empty",
                )
            )
        right = [r for r in shown if r.split("→")[1] == gloss_for(r.split("→")[0])]
        wrong = [r for r in shown if r not in right]
        rows.append(
            (
                "kiosk: right Korean text on staff screen",
                f"{len(right)}/{len(shown)}",
                "misses: " + (" ".join(wrong) if wrong else "none") + " (- = nothing shown)",
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
