"""The recording player in the microphone's place: it plays queued recordings into one stream and
goes on when one of them turns out not to be playable (the "microphone" never dies mid-visit)."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

from asr.audio import FRAME_SAMPLES, SAMPLE_RATE
from asr.errors import AsrError
from kiosk.demo.script import demo_script
from kiosk.runtime.feed import RecordingFeed

FEE = demo_script().folder / "synthetic_en_02_fee.wav"


def play_through(feed: RecordingFeed, recordings: int) -> tuple[int, list[Path]]:
    """Take frames on a thread, as the audio worker does, until `recordings` have been played."""
    played: list[Path] = []
    done = threading.Event()

    def on_played(path: Path) -> None:
        played.append(path)
        if len(played) == recordings:
            done.set()
            feed.close()

    feed.on_played = on_played
    samples = 0

    def consume() -> None:
        nonlocal samples
        for frame in feed.frames():
            samples += len(frame)

    worker = threading.Thread(target=consume, daemon=True)
    worker.start()
    assert done.wait(30)
    worker.join(10)
    assert not worker.is_alive()
    return samples, played


def test_recordings_play_into_one_stream_with_their_trailing_silence(tmp_path: Path) -> None:
    feed = RecordingFeed(realtime=False)
    feed.play(FEE, trailing_silence_s=0.5)
    feed.play(FEE, trailing_silence_s=0.5)
    samples, played = play_through(feed, 2)
    assert played == [FEE, FEE]
    one = len(np.frombuffer(FEE.read_bytes()[44:], dtype=np.int16))  # 16 kHz mono PCM
    assert abs(samples - 2 * (one + SAMPLE_RATE // 2)) <= 2 * FRAME_SAMPLES


def test_a_recording_spoilt_after_it_was_queued_is_skipped_and_the_feed_goes_on(
    tmp_path: Path,
) -> None:
    spoilt = tmp_path / "spoilt.wav"
    spoilt.write_bytes(FEE.read_bytes())
    feed = RecordingFeed(realtime=False)
    failed: list[tuple[Path, AsrError]] = []
    feed.on_failed = lambda path, exc: failed.append((path, exc))
    feed.play(spoilt)  # checked now: playable
    spoilt.write_text("no longer sound\n")  # replaced before its turn came
    feed.play(FEE)
    _samples, played = play_through(feed, 2)
    assert played == [spoilt, FEE]  # the script waiting for it is told it ended
    assert [path for path, _ in failed] == [spoilt]
