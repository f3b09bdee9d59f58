"""Soak: counter visits on a loop through the live path, watching memory, threads, files, latency.

    python -m bench.soak --minutes 60 [--shared PATH] [--json FILE]

Runs the real kiosk (real models, real widgets, offscreen at 1920×1080) with recordings played in
the counter microphone's place (`open_feed`/`play_file`, paced in real time, opened before any
visitor has chosen a language). Each visit: an English-speaking visitor speaks first (their
language is identified), staff answer by voice (Korean recordings of ../shared/speech, read in
place, never copied), then a quick reply (with a visit-specific amount), typed Korean, the
visitor's typed English and a second English recording; then New visit. The first visit is a Deaf
visitor's: the demo's sign video as the camera, and staff's speech captioned for them.

Every minute: RSS, native thread count, open file descriptors. Each speech turn: the end of speech
(found by a whole-file VAD pass) → its text painted on the other side's screen. After every New
visit the visit's own texts are looked for in the process's memory (every string a gc-tracked
object refers to, against the strings present before the first visit), in the session and core,
and on both screens; and no file may have been written under the data, config, log or temp
folders (the process gets a temp folder of its own).

Targets (the windows scale down for short runs: `--minutes 2` compares the first and last minute,
`--minutes 1` its only minute with itself):
RSS drift after the first 10 minutes ≤ 50 MB; no growth in threads or descriptors; turn latency
p95 in the last 10 minutes within 20% of the first 10; no visit text left anywhere.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

DEMO = Path(str(resources.files("assets").joinpath("demo")))
SIGN_VIDEO = DEMO / "msl_ambulancia_001.mp4"
VISITOR_CLIPS = [
    "synthetic_en_01_move_in.wav",
    "synthetic_en_02_fee.wav",
    "synthetic_en_03_how_long.wav",
    "synthetic_en_04_thanks.wav",
]
TRAILING_SILENCE_S = 1.5  # the room after the speaker stops
RSS_DRIFT_MB = 50.0
LATENCY_GROWTH = 0.20
TURN_TIMEOUT_S = 60.0
LOG_FILES = ("changgu.log", "crash.log")  # the kiosk's log (events, never what was said)


@dataclass
class Sample:
    minute: int
    t_s: float
    rss_mb: float
    threads: int
    fds: int


@dataclass
class TurnLatency:
    t_s: float  # since the counter opened
    kind: str  # "visitor speech" or "staff speech"
    latency_s: float


@dataclass
class Report:
    minutes: float
    window_min: int
    visits: int = 0
    samples: list[Sample] = field(default_factory=list)  # every minute
    at_rest: list[Sample] = field(default_factory=list)  # after each New visit, all quiet
    latencies: list[TurnLatency] = field(default_factory=list)
    missed_turns: int = 0
    leaks: list[str] = field(default_factory=list)  # where visit text was found after New visit
    files_written: list[str] = field(default_factory=list)
    checked_texts: int = 0
    checks: dict[str, dict[str, Any]] = field(default_factory=dict)
    load: str = ""

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(c["pass"] for c in self.checks.values())


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument(
        "--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared"
    )
    parser.add_argument("--json", type=Path, help="also write the report here (JSON)")
    args = parser.parse_args(list(argv) if argv is not None else None)
    report = soak(args.minutes, args.shared)
    print_summary(report)
    if args.json:
        data = asdict(report)
        data["passed"] = report.passed
        args.json.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0 if report.passed else 1


def soak(minutes: float, shared: Path) -> Report:
    private_tmp = tempfile.mkdtemp(prefix="changgu-soak-")
    os.environ["TMPDIR"] = private_tmp  # a temp folder only this process writes to
    tempfile.tempdir = private_tmp
    _private_data_dir(Path(private_tmp) / "data")  # others on this machine use the real one
    from kiosk.setup.logs import setup_logging

    setup_logging()  # the kiosk's own log file, as live: checked for visit text too
    run = Soak(minutes, shared)
    print(
        f"soak: {minutes:g} min of counter visits, compared over windows of "
        f"{run.report.window_min} min",
        flush=True,
    )
    run.take_baseline()
    number = 0
    while run.time_left():
        run.visit(number, deaf=number == 0)
        run.check_forgotten()
        number += 1
    run.sample()
    run.stop()
    run.report.load = "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    judge(run.report)
    shutil.rmtree(private_tmp, ignore_errors=True)
    return run.report


# -- the run ---------------------------------------------------------------------------------------


class Soak:
    """The kiosk, its screens and the clock; `pump` runs Qt until something is true."""

    def __init__(self, minutes: float, shared: Path) -> None:
        from asr.evaluation import load_manifest
        from kiosk.core.events import MicRole
        from kiosk.runtime.app import make_app
        from kiosk.runtime.kiosk import Kiosk
        from kiosk.setup.settings import Settings
        from kiosk.ui.theme import REFERENCE_DPI
        from kiosk.ui.window import KioskUI

        manifest = shared / "speech"
        if not (manifest / "manifest.tsv").is_file():
            raise SystemExit(f"no {manifest / 'manifest.tsv'}: the soak needs ../shared/speech")
        self.staff_clips = [c.path for c in load_manifest(manifest) if c.lang == "ko"]
        self.report = Report(minutes, window_minutes(minutes))
        self.app = make_app(offscreen=True)
        self.kiosk = Kiosk(Settings())
        self.kiosk.start()
        self.ui = KioskUI(self.kiosk, dpi=REFERENCE_DPI)
        for window in self.ui.windows:
            window.resize(1920, 1080)
        self.ui.show()
        self.t0 = time.monotonic()
        self._next_sample = float("inf")  # no samples while the models load
        self.pump(lambda: self.kiosk.ready, 300, "models loading")
        self.kiosk.open_feed(MicRole.COUNTER, realtime=True)  # before any visitor
        self.t0 = time.monotonic()  # the soak's clock starts with the counter open
        self.deadline = self.t0 + minutes * 60
        self._painted: list[tuple[float, Any, str]] = []  # time, side, kind (never text)
        self._played = False
        self.kiosk.playback_finished.connect(self._on_played)
        self.ui.staff.painted = self._paint
        self.ui.visitor.painted = self._paint
        self._speech_end: dict[Path, float | None] = {}
        self.visit_texts: set[str] = set()
        self.baseline: set[str] = set()
        self.files: dict[str, tuple[int, int]] = {}
        self.sample()

    def _on_played(self) -> None:
        self._played = True

    def _paint(self, turn: Any) -> None:
        self._painted.append((time.perf_counter(), turn.side, str(turn.kind)))

    def now_s(self) -> float:
        return time.monotonic() - self.t0

    def time_left(self) -> bool:
        return time.monotonic() < self.deadline

    def pump(self, until: Callable[[], bool], timeout_s: float, what: str) -> bool:
        end = time.monotonic() + timeout_s
        while not until():
            if time.monotonic() > end:
                print(f"  (gave up waiting: {what})", file=sys.stderr, flush=True)
                return False
            self._events()
            if time.monotonic() >= self._next_sample:
                self.sample()
            time.sleep(0.005)
        self._events()
        return True

    def _events(self) -> None:
        """One pass of the event loop, as `exec()` runs it: deferred deletions included
        (`processEvents` alone leaves widgets given to `deleteLater` alive)."""
        from PySide6.QtCore import QCoreApplication, QEvent

        self.app.processEvents()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)

    def settle(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        self.pump(lambda: time.monotonic() >= end, seconds + 1, "settle")

    def sample(self) -> None:
        minute = round(self.now_s() / 60)
        s = Sample(minute, round(self.now_s(), 1), round(_rss_mb(), 1), _threads(), _fds())
        self.report.samples.append(s)
        self._next_sample = self.t0 + (minute + 1) * 60
        print(
            f"  [{s.minute:3d} min] RSS {s.rss_mb:7.1f} MB  threads {s.threads:3d}  "
            f"fds {s.fds:3d}  turns timed {len(self.report.latencies):4d}  "
            f"load {os.getloadavg()[0]:.2f}",
            flush=True,
        )

    # -- what happens at the counter --

    def speak(self, path: Path, side: Any) -> None:
        """Play a recording in the counter microphone's place; time its text on the other screen."""
        from kiosk.core.events import VisitMode
        from kiosk.core.session import TurnKind

        if path not in self._speech_end:
            self._speech_end[path] = _speech_end(path)
        end = self._speech_end[path]
        self._painted.clear()
        self._played = False
        played_at = time.perf_counter()
        self.kiosk.play_file(path, realtime=True, trailing_silence_s=TRAILING_SILENCE_S)
        self.pump(lambda: self._played, TURN_TIMEOUT_S, f"playback of {path.name}")

        deaf = self.kiosk.conversation.mode is VisitMode.DEAF  # captions: shown as heard

        def shown() -> bool:
            translated = any(
                s is side and (k != TurnKind.PENDING.value or deaf) for _t, s, k in self._painted
            )
            return translated and all(t.kind != TurnKind.PENDING for t in self.kiosk.session.turns)

        self.pump(shown, 10, f"translation of {path.name}")
        painted = [t for t, s, _k in self._painted if s is side]
        if end is None or not painted:
            self.report.missed_turns += 1
            return
        kind = "visitor speech" if side.value == "visitor" else "staff speech"
        latency = painted[-1] - (played_at + end)
        self.report.latencies.append(TurnLatency(round(self.now_s(), 1), kind, round(latency, 3)))

    def visit(self, number: int, deaf: bool) -> None:
        from asr.events import Side
        from kiosk.core.session import TurnKind

        k = self.kiosk
        staff_clip = self.staff_clips[number % len(self.staff_clips)]
        amount = {"amount": f"{1000 + number * 10}"}  # a visit-specific figure
        if deaf:
            from kiosk.core.events import CameraState

            off = {"seen": False}

            def activity(a: CameraState) -> None:
                off["seen"] = off["seen"] or a is CameraState.OFF

            k.sign.activity.connect(activity)
            k.play_sign_file(SIGN_VIDEO, realtime=True)  # the video is the camera: KSL chosen
            self.pump(lambda: off["seen"], 120, "the sign video")
            k.sign.activity.disconnect(activity)
            k.camera.video = None
            self.speak(staff_clip, Side.STAFF)  # captioned for the Deaf visitor
            k.quick_reply("fee.amount", amount)
        else:
            first = DEMO / VISITOR_CLIPS[number % len(VISITOR_CLIPS)]
            self.speak(first, Side.VISITOR)  # no language chosen: identified
            self.speak(staff_clip, Side.STAFF)
            k.quick_reply("fee.amount", amount)
            before = len(k.session.turns)
            k.send_typed(f"서류는 {number % 9 + 2}번 창구에서 받으세요.")
            k.send_typed(f"My appointment is at {number % 12 + 1} o'clock.", Side.VISITOR, "en")
            self.pump(
                lambda: (
                    len(k.session.turns) >= before + 2
                    and all(t.kind != TurnKind.PENDING for t in k.session.turns)
                ),
                TURN_TIMEOUT_S,
                "typed text",
            )
            self.speak(DEMO / VISITOR_CLIPS[(number + 1) % len(VISITOR_CLIPS)], Side.VISITOR)
        self.visit_texts = _visit_texts(k.session.turns)
        k.new_visit()
        self.report.visits += 1
        self.settle(1.0)  # the recogniser's reset and any late events go through

    # -- checks --

    def take_baseline(self) -> None:
        """Strings in memory before any visit (the phrasebook, the screens' own text), and files."""
        gc.collect()
        self.baseline = set(_strings_in_memory())
        self.baseline.update(
            _screen_texts(self.ui).values()
        )  # the phrase buttons, the screens' labels
        self.files = _files(_watched_folders())

    def check_forgotten(self) -> None:
        now = self.now_s()
        self.report.at_rest.append(
            Sample(int(now // 60), round(now, 1), round(_rss_mb(), 1), _threads(), _fds())
        )
        texts = {t for t in self.visit_texts if t not in self.baseline}
        self.visit_texts = set()
        self.report.checked_texts += len(texts)
        for where in _leaks(texts, self.baseline, self.kiosk, self.ui):
            if where not in self.report.leaks:
                self.report.leaks.append(where)
        for path, stat in _files(_watched_folders()).items():
            if self.files.get(path) == stat or path in self.report.files_written:
                continue
            if Path(path).name.startswith(LOG_FILES):  # events and timings: allowed, if textless
                if _file_holds(Path(path), texts):
                    self.report.leaks.append(f"log: {path}")
                continue
            self.report.files_written.append(path)

    def stop(self) -> None:
        self.kiosk.stop(wait_s=10)
        for window in self.ui.windows:
            window.allow_close = True
            window.close()
        self.app.processEvents()


def judge(report: Report) -> None:
    """Compare the first window with the last: memory, threads, descriptors, latency; and the
    checks made after each New visit."""
    w = report.window_min
    samples = report.samples
    duration_s = samples[-1].t_s
    # threads and descriptors between visits: a worker busy at a sample is not growth
    rest = report.at_rest or samples
    first = [s for s in rest if s.t_s <= w * 60] or rest[:1]
    last = [s for s in rest if s.t_s >= duration_s - w * 60] or rest[-1:]
    after_warmup = next((s for s in samples if s.minute >= w), samples[-1])
    drift = samples[-1].rss_mb - after_warmup.rss_mb
    report.checks["rss_drift"] = {
        "from_mb": after_warmup.rss_mb,
        "to_mb": samples[-1].rss_mb,
        "drift_mb": round(drift, 1),
        "target": f"≤ {RSS_DRIFT_MB:g} MB after minute {w}",
        "pass": drift <= RSS_DRIFT_MB,
    }
    for name in ("threads", "fds"):
        before = max(getattr(s, name) for s in first)
        after = max(getattr(s, name) for s in last)
        report.checks[name] = {
            "first_window_max": before,
            "last_window_max": after,
            "target": "no growth",
            "pass": after <= before,
        }
    early = [t.latency_s for t in report.latencies if t.t_s <= w * 60]
    late = [t.latency_s for t in report.latencies if t.t_s >= duration_s - w * 60]
    p95_early = float(np.percentile(early, 95)) if early else float("nan")
    p95_late = float(np.percentile(late, 95)) if late else float("nan")
    report.checks["latency_p95"] = {
        "first_window_s": round(p95_early, 3),
        "last_window_s": round(p95_late, 3),
        "n": [len(early), len(late)],
        "target": f"last window within {LATENCY_GROWTH:.0%} of the first",
        "pass": bool(early and late and p95_late <= p95_early * (1 + LATENCY_GROWTH)),
    }
    report.checks["turns"] = {
        "timed": len(report.latencies),
        "missed": report.missed_turns,
        "target": "every speech turn shown on the other screen",
        "pass": report.missed_turns == 0 and bool(report.latencies),
    }
    report.checks["visit_text_after_new_visit"] = {
        "texts_checked": report.checked_texts,
        "found": report.leaks,
        "target": "none in memory, session, core or screens",
        "pass": not report.leaks and report.checked_texts > 0,
    }
    report.checks["files_written"] = {
        "found": report.files_written,
        "target": "none under data, config, log or temp",
        "pass": not report.files_written,
    }


def print_summary(report: Report) -> None:
    print(f"\n== soak: {report.minutes:g} min, {report.visits} visits, {report.load}")
    for kind in ("visitor speech", "staff speech"):
        values = [t.latency_s for t in report.latencies if t.kind == kind]
        if values:
            print(
                f"  {kind:15} end of speech → text on the other screen: "
                f"p50 {np.percentile(values, 50):.2f} s, p95 {np.percentile(values, 95):.2f} s, "
                f"n {len(values)}"
            )
    for name, check in report.checks.items():
        details = ", ".join(f"{k} {v}" for k, v in check.items() if k not in ("pass", "target"))
        verdict = "PASS" if check["pass"] else "FAIL"
        print(f"  {verdict}  {name:27} {details}  (target: {check['target']})")
    print(f"soak: {'PASS' if report.passed else 'FAIL'}", flush=True)


def window_minutes(minutes: float) -> int:
    """10 minutes for an hour's soak; for shorter runs a sixth of it, at least one minute."""
    return max(1, min(10, int(minutes // 6)))


# -- measuring -------------------------------------------------------------------------------------


def _speech_end(path: Path) -> float | None:
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    from asr.audio import SAMPLE_RATE, load_audio

    spans = get_speech_timestamps(
        load_audio(path), VadOptions(min_silence_duration_ms=500, speech_pad_ms=0)
    )
    return float(spans[-1]["end"]) / SAMPLE_RATE if spans else None


def _proc_status(key: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key):
            return int(line.split()[1])
    return 0


def _rss_mb() -> float:
    return _proc_status("VmRSS:") / 1024


def _threads() -> int:
    return _proc_status("Threads:")  # native threads too (Whisper, ONNX, MediaPipe, Qt)


def _fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def _visit_texts(turns: Iterable[Any]) -> set[str]:
    """What this visit said: recognised, typed and translated text (sign glosses are the
    vocabulary's own words, not the visit's)."""
    texts: set[str] = set()
    for turn in turns:
        if turn.lang == "ksl":
            continue
        for text in (turn.text, turn.translated_text):
            if text and len(text.strip()) >= 4:
                texts.add(text)
    return texts


def _strings_in_memory() -> Iterator[str]:
    for obj in gc.get_objects():
        yield from _strings_of(obj)


def _strings_of(obj: object) -> Iterator[str]:
    """The strings `obj` refers to, also through containers the gc does not track (a tuple or
    dict holding only strings and numbers is untracked, so `gc.get_objects()` never lists it)."""
    stack = list(gc.get_referents(obj))
    while stack:
        ref = stack.pop()
        if type(ref) is str:
            yield ref
        elif isinstance(ref, tuple | dict | frozenset | list | set) and not gc.is_tracked(ref):
            stack.extend(ref.items() if isinstance(ref, dict) else ref)


def _leaks(texts: set[str], baseline: set[str], kiosk: Any, ui: Any) -> list[str]:
    """Where any of `texts` is still held: Python objects, the session and core, the screens."""
    if not texts:
        return []
    found: set[str] = set()
    needles = tuple(texts)
    gc.collect()
    for obj in gc.get_objects():
        if obj is texts or obj is needles:
            continue
        for ref in _strings_of(obj):
            if ref not in baseline and any(n in ref for n in needles):
                found.add(f"memory: a {type(obj).__module__}.{type(obj).__qualname__}")
                break
    if kiosk.session.turns:
        found.add("session: turns left after New visit")
    if kiosk.conversation.sign_results:
        found.add("conversation: sign results left after New visit")
    for where, shown in _screen_texts(ui).items():
        if shown not in baseline and any(n in shown for n in needles):
            found.add(f"screen: {where}")
    return sorted(found)


def _screen_texts(ui: Any) -> dict[str, str]:
    """Every text a label, button or text box of either screen holds (shown or not)."""
    from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QTextEdit, QWidget

    texts: dict[str, str] = {}
    for screen in (ui.staff, ui.visitor):
        for i, widget in enumerate(screen.findChildren(QWidget)):
            if isinstance(widget, QLabel | QAbstractButton | QLineEdit):
                shown = widget.text()
            elif isinstance(widget, QTextEdit):
                shown = widget.toPlainText()
            else:
                continue
            texts[f"{type(screen).__name__} {type(widget).__name__} #{i}"] = shown
    return texts


def _file_holds(path: Path, texts: set[str]) -> bool:
    try:
        content = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return any(t in content for t in texts)


def _private_data_dir(folder: Path) -> None:
    """A data folder of this run's own (models hard-linked, small files copied), so that what
    other programs on this machine write to the real one is not taken for the kiosk's."""
    from kiosk.setup import paths

    source = paths.data_dir()
    for path in source.rglob("*"):
        target = folder / path.relative_to(source)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        elif path.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                if path.stat().st_size < 1 << 20:
                    raise OSError("small: copied")
                os.link(path, target)
            except OSError:
                shutil.copy2(path, target)
    os.environ["CHANGGU_DATA_DIR"] = str(folder)


def _watched_folders() -> list[Path]:
    from kiosk.setup import paths

    return [paths.data_dir(), paths.config_dir(), paths.log_dir(), Path(tempfile.gettempdir())]


def _files(folders: Iterable[Path]) -> dict[str, tuple[int, int]]:
    files: dict[str, tuple[int, int]] = {}
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in folder.rglob("*"):
            try:
                if path.is_file():
                    stat = path.stat()
                    files[str(path)] = (stat.st_size, stat.st_mtime_ns)
            except OSError:
                continue
    return files


if __name__ == "__main__":
    sys.exit(main())
