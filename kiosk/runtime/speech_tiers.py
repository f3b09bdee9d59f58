"""Which installed Whisper model this counter PC runs: the largest whose finals keep the latency
target, unless staff chose one in Settings.

Larger Whisper sizes hear better but decode slower, and counter PCs differ. When more than one
speech model is installed (whisper-small or -medium from a USB stick, say), each is timed once on
this PC: the final decode of the kiosk (`asr.streaming.FINAL_DECODE`: beam 5, full window) of the
bundled self-test recording, the second of two runs (the first warms the model up). The largest
model whose time fits `StreamConfig.final_budget_s`, the same budget that sends a busy recogniser to
its smaller window, runs; if none fits, the fastest does. Timings are kept in the cache folder
(no visit data: a model name, its files' fingerprint, this CPU and a number of seconds), so later
starts choose at once; a changed model file or another CPU measures again.
"""

from __future__ import annotations

import json
import logging
import os
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from asr.audio import load_audio
from asr.streaming import FINAL_DECODE, StreamConfig
from asr.whisper import WhisperEngine
from kiosk.setup import paths
from kiosk.setup.model_checks import fingerprint
from kiosk.setup.model_store import ModelManager, ModelSpec

log = logging.getLogger(__name__)

TIMING_CLIP = "en_libri_61-70968-0000.wav"  # assets/selftest: 4.6 s of read English
CACHE_FILE = "speech_tiers.json"

Measure = Callable[[Path], float]


@dataclass(frozen=True, slots=True)
class TierChoice:
    """The speech model chosen, why (one line for staff and `changgu doctor`), and the final
    decode time measured for each model tried (seconds)."""

    model: str
    reason: str
    decode_s: dict[str, float] = field(default_factory=dict)


def choose_speech_model(
    manager: ModelManager | None = None,
    preferred: str = "",
    budget_s: float = StreamConfig().final_budget_s,
    measure: Measure | None = None,
    cache_dir: Path | None = None,
) -> TierChoice:
    """The speech model to load. `preferred`: staff's choice in Settings ("" = choose)."""
    manager = manager or ModelManager()
    installed = manager.installed("asr")
    if preferred:
        if preferred in {s.name for s in installed}:
            return TierChoice(preferred, f"{preferred}: chosen in Settings")
        # not installed (or damaged): loading it gives the error that names the fix
        return TierChoice(preferred, f"{preferred}: chosen in Settings (not installed)")
    if not installed:
        default = next((s.name for s in manager.specs if s.role == "asr" and s.default), "")
        return TierChoice(default, f"{default}: the default (no speech model is installed yet)")
    if len(installed) == 1:
        only = installed[0].name
        return TierChoice(only, f"{only}: the only speech model installed")
    timings = _Timings(cache_dir or paths.cache_dir(), measure or measure_final_decode)
    measured: dict[str, float] = {}
    for spec in sorted(installed, key=lambda s: -s.size_mb):  # the largest first
        seconds = timings.get(manager, spec)
        measured[spec.name] = seconds
        if seconds <= budget_s:
            slower = [n for n in measured if n != spec.name]
            return TierChoice(
                spec.name,
                f"{spec.name}: a final takes {seconds:.2f} s on this PC (budget {budget_s:.1f} s)"
                + (f"; {', '.join(slower)} too slow" if slower else ""),
                measured,
            )
    fastest = min(measured, key=measured.__getitem__)
    return TierChoice(
        fastest,
        f"{fastest}: the fastest installed; even it takes {measured[fastest]:.2f} s per final on "
        f"this PC (budget {budget_s:.1f} s)",
        measured,
    )


def measure_final_decode(folder: Path) -> float:
    """Seconds the kiosk's final decode of the timing clip takes with the model in `folder`."""
    engine = WhisperEngine(folder)
    audio = load_audio(Path(str(resources.files("assets").joinpath("selftest", TIMING_CLIP))))
    took = 0.0
    for _ in range(2):  # the first run warms the model up; the second is what a counter sees
        started = time.perf_counter()
        engine.recognise(audio, ("en",), FINAL_DECODE, language="en")
        took = time.perf_counter() - started
    return took


class _Timings:
    """Measured decode times, remembered per model files and CPU."""

    def __init__(self, folder: Path, measure: Measure) -> None:
        self.path = folder / CACHE_FILE
        self.measure = measure
        try:
            loaded = json.loads(self.path.read_text("utf-8"))
            self.known: dict[str, float] = {
                str(k): float(v) for k, v in loaded.items() if isinstance(v, int | float)
            }
        except (OSError, ValueError, AttributeError):
            self.known = {}

    def get(self, manager: ModelManager, spec: ModelSpec) -> float:
        folder = manager.folder(spec.name)
        key = _key(spec, folder)
        if key in self.known:
            return self.known[key]
        log.info("timing speech model %s on this PC", spec.name)
        seconds = self.measure(folder)
        self.known[key] = seconds
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(json.dumps(self.known, indent=1), "utf-8")
        except OSError:
            log.warning("could not keep the speech model timings in %s", self.path)
        return seconds


def _key(spec: ModelSpec, folder: Path) -> str:
    files = []
    for name in sorted(spec.files):
        try:
            files.append(f"{name}:{fingerprint((folder / name).stat())}")
        except OSError:
            files.append(f"{name}:-")
    return "|".join([spec.name, *files, _cpu()])


def _cpu() -> str:
    model = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model} x{os.cpu_count()}"
