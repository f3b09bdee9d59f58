"""Building server benchmark: 1, 4 and 8 counters streaming to `changgu serve` on a two-node Ray
cluster on loopback, against the same stream with finals decoded on the counter.

    python -m bench.server [--shared PATH] [--counters 1,4,8] [--clips N] [--keep]

What runs (all on this machine):
- a Ray head and a Ray worker node, each started by `ray start` as its own process, each with one
  CPU for Ray to place work on (token authentication on, usage statistics off);
- `changgu serve --address` on that cluster: two speech replicas (one per node, one CPU thread
  each), batching up to 8 utterances;
- N counters, each a thread with the kiosk's own streaming recogniser (Silero VAD, early finals,
  the Korean hint) and its own building client, fed the Korean clips of ../shared/speech paced in
  real time, each counter starting at a different clip so batches mix different speech.
  Partials are off here: on a real counter they run on the counter's own PC, and this 2-core
  machine already holds the server, the cluster and every counter.

Reported per run: end of speech → final latency p50/p95 (speech ends found by a whole-clip VAD
pass, as bench.asr does), utterances lost (a clip whose speech no final holds: must be 0), finals
served by the building and by the counter (a final the server did not answer within the budget),
the speech replicas' CPU per counter (CPU seconds per second of stream), and the batch sizes the
server formed (from its /metrics). Then the same stream with finals on the counter (1 counter).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

import httpx2

from asr.audio import ArraySource
from asr.evaluation import Clip, load_manifest
from asr.events import Utterance
from asr.streaming import StreamConfig
from bench.asr import Placed, _final_latency, _join
from building.client import BuildingClient, BuildingConfig
from building.tiers import Tier, TieredSpeech, TierReporter
from kiosk.runtime.speech import SpeechModels

BUDGET_S = 30.0  # long: the figures are the server's latency, not the fallback's
RAY_PORT = 6391
SERVE_PORT = 8491


@dataclass
class Run:
    counters: int
    latencies: list[float]
    lost: int
    served: dict[Tier, int]
    audio_s: float
    wall_s: float
    replica_cpu_s: float
    batches: dict[str, float]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared"
    )
    parser.add_argument("--counters", default="1,4,8", help="counter counts to run (1,4,8)")
    parser.add_argument("--clips", type=int, default=8, help="Korean clips per counter's stream")
    parser.add_argument("--keep", action="store_true", help="leave the Ray cluster running")
    args = parser.parse_args()
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    clips = [c for c in load_manifest(args.shared / "speech") if c.lang == "ko"]
    if not clips:
        print(f"no Korean clips in {args.shared / 'speech'}", file=sys.stderr)
        return 2
    models = SpeechModels()
    config = replace(StreamConfig(), partials=False)
    folder = Path(tempfile.mkdtemp(prefix="cgb-", dir="/tmp"))  # short: Ray's socket paths
    cluster = Cluster(folder)
    try:
        cluster.start()
        print(f"two-node Ray cluster on loopback: {cluster.describe()}")
        server = cluster.serve()
        print(f"changgu serve: {server}; load average {_load()}")
        counts = [int(n) for n in args.counters.split(",") if n.strip()]
        runs = [_run(models, config, clips, n, args.clips, cluster) for n in counts]
        local = _run(models, config, clips, 1, args.clips, None)
    finally:
        if not args.keep:
            cluster.stop()
            shutil.rmtree(folder, ignore_errors=True)
    _report(runs, local)
    return 0


class Cluster:
    """`ray start --head` and `ray start --address` as separate processes, then `changgu serve`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.ray_token = folder / "ray-token"
        fd = os.open(self.ray_token, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, secrets.token_hex(32).encode())
        os.close(fd)
        self.token = secrets.token_hex(24)
        self.token_file = folder / "serve-token"
        fd = os.open(self.token_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, self.token.encode())
        os.close(fd)
        self.env = os.environ | {
            "RAY_USAGE_STATS_ENABLED": "0",
            "RAY_AUTH_MODE": "token",
            "RAY_AUTH_TOKEN_PATH": str(self.ray_token),
        }
        self.url = f"http://127.0.0.1:{SERVE_PORT}"
        self.serve_proc: subprocess.Popen[str] | None = None
        self.ray = str(Path(sys.executable).with_name("ray"))

    def start(self) -> None:
        common = ["--num-cpus", "1", "--disable-usage-stats"]
        head = [self.ray, "start", "--head", "--port", str(RAY_PORT), "--temp-dir"]
        head += [str(self.folder / "ray"), "--include-dashboard=false", *common]
        subprocess.run(head, env=self.env, check=True, capture_output=True, timeout=120)
        worker = [self.ray, "start", "--address", f"127.0.0.1:{RAY_PORT}", *common]
        subprocess.run(worker, env=self.env, check=True, capture_output=True, timeout=120)
        for _ in range(60):  # the worker node registers a moment later
            if self.nodes() >= 2:
                return
            time.sleep(1)
        raise RuntimeError("the Ray worker node did not join the head")

    def nodes(self) -> int:
        status = subprocess.run(
            [self.ray, "status", "--address", f"127.0.0.1:{RAY_PORT}"],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout
        return len(re.findall(r"^\s*1 node_", status, re.M))

    def describe(self) -> str:
        return f"{self.nodes()} nodes, 1 CPU each (head :{RAY_PORT}, worker)"

    def serve(self) -> str:
        args = [sys.executable, "-m", "kiosk.cli", "serve", "--address", f"127.0.0.1:{RAY_PORT}"]
        args += ["--port", str(SERVE_PORT), "--token-file", str(self.token_file)]
        args += ["--replicas", "2", "--threads", "1", "--replica-cpus", "1", "--max-batch", "8"]
        self.serve_proc = subprocess.Popen(
            args,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        out: list[str] = []
        ready = threading.Event()
        proc = self.serve_proc

        def read() -> None:
            assert proc.stdout is not None
            for line in proc.stdout:
                out.append(line)
                if "ready at" in line:
                    ready.set()

        threading.Thread(target=read, daemon=True).start()
        if not ready.wait(300):
            raise RuntimeError("changgu serve did not start:\n" + "".join(out[-30:]))
        for _ in range(120):
            try:
                if httpx2.get(self.url + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx2.HTTPError:
                pass
            time.sleep(0.5)
        return f"{self.url}, 2 speech replicas (1 thread each), batches of up to 8"

    def metrics(self) -> str:
        headers = {"Authorization": f"Bearer {self.token}"}
        return httpx2.get(self.url + "/metrics", headers=headers, timeout=10).text

    def stop(self) -> None:
        if self.serve_proc is not None:
            os.killpg(self.serve_proc.pid, signal.SIGTERM)
            try:
                self.serve_proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.serve_proc.pid, signal.SIGKILL)
        _kill_cluster(self.folder)  # not `ray stop`: that stops every Ray on this machine


def _kill_cluster(folder: Path) -> None:
    """SIGKILL this cluster's processes: those naming our folder (both nodes' raylets, the GCS,
    monitors), their process groups (each `ray start` leaves one), and their descendants."""
    parents: dict[int, int] = {}
    groups: dict[int, int] = {}
    ours: set[int] = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        pid = int(entry.name)
        parents[pid], groups[pid] = int(fields[1]), int(fields[2])
        if str(folder).encode() in cmdline:
            ours.add(pid)
    own_groups = {groups[p] for p in ours} - {os.getpgid(0)}
    doomed = set(ours) | {p for p, g in groups.items() if g in own_groups}
    changed = True
    while changed:
        more = {p for p, parent in parents.items() if parent in doomed} - doomed
        doomed |= more
        changed = bool(more)
    for pid in doomed:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def _run(
    models: SpeechModels,
    config: StreamConfig,
    clips: list[Clip],
    counters: int,
    per_counter: int,
    cluster: Cluster | None,
) -> Run:
    where = "building server" if cluster else "the counter itself"
    print(f"\n== {counters} counter(s), finals on {where}; load average {_load()}")
    before = cluster.metrics() if cluster else ""
    cpu_before = _replica_cpu()
    results: list[tuple[list[float], int, dict[Tier, int], float]] = [
        ([], 0, {}, 0.0) for _ in range(counters)
    ]
    step = max(1, len(clips) // max(1, counters))

    def counter(i: int) -> None:
        start = (i * step) % len(clips)
        mine = [clips[(start + k) % len(clips)] for k in range(per_counter)]
        stream, placed = _join(mine)
        recogniser = models.recogniser(("ko", "en"), config)
        reporter = TierReporter()
        if cluster is not None:
            client = BuildingClient(
                BuildingConfig(url=cluster.url, token=cluster.token, final_budget_s=BUDGET_S)
            )
            recogniser.engine = TieredSpeech(models.whisper, client, reporter)
        source = ArraySource(stream, realtime=True)
        events: list[tuple[float, Utterance]] = []
        for u in recogniser.run(source):
            events.append((source.elapsed_s(), u))
        latencies, lost = _latencies(events, placed)
        results[i] = (latencies, lost, dict(reporter.finals), len(stream) / 16000)

    wall = time.perf_counter()
    threads = [threading.Thread(target=counter, args=(i,)) for i in range(counters)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - wall
    served = {Tier.BUILDING: 0, Tier.COUNTER: 0}
    for _, _, finals, _ in results:
        for tier, n in finals.items():
            served[tier] += n
    after = cluster.metrics() if cluster else ""
    return Run(
        counters,
        [x for r in results for x in r[0]],
        sum(r[1] for r in results),
        served,
        sum(r[3] for r in results),
        wall,
        _replica_cpu() - cpu_before,
        _batches(before, after),
    )


def _latencies(
    events: list[tuple[float, Utterance]], placed: list[Placed]
) -> tuple[list[float], int]:
    out: list[float] = []
    lost = 0
    for p in placed:
        latency = _final_latency(events, p)
        if latency is None:
            lost += 1
        else:
            out.append(latency)
    return out, lost


def _replica_cpu() -> float:
    """CPU seconds used so far by the speech replicas' processes (every node on this machine)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if b"ServeReplica:changgu:Speech" not in (entry / "cmdline").read_bytes():
                continue
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


_BUCKET = re.compile(r'^changgu_server_speech_batch_size_(bucket\{le="([^"]+)"\}|sum|count) (\S+)$')


def _batches(before: str, after: str) -> dict[str, float]:
    """Histogram of the batch sizes formed between two /metrics readings."""

    def read(text: str) -> dict[str, float]:
        found = {}
        for line in text.splitlines():
            m = _BUCKET.match(line)
            if m:
                found[m.group(2) or m.group(1)] = float(m.group(3))
        return found

    a, b = read(before), read(after)
    return {k: b[k] - a.get(k, 0.0) for k in b}


def _report(runs: list[Run], local: Run) -> None:
    print("\n== building server, two-node loopback cluster (2 cores in all, shared with counters)")
    head = f"{'counters':>8} {'final p50':>9} {'p95':>6} {'lost':>5} {'building':>9} {'counter':>8}"
    print(head + f" {'replica CPU/counter':>20} {'mean batch':>10}  batch sizes (cumulative ≤)")
    for r in [*runs, local]:
        p50, p95 = _percentiles(r.latencies)
        cpu = r.replica_cpu_s / r.counters / (r.audio_s / r.counters) if r.audio_s else 0.0
        count = r.batches.get("count", 0.0)
        mean = r.batches.get("sum", 0.0) / count if count else 0.0
        shown = " ".join(
            f"≤{k.removesuffix('.0')}:{int(v)}"
            for k, v in r.batches.items()
            if k not in ("sum", "count", "+Inf") and v
        )
        label = f"{r.counters}" if r is not local else "1 local"
        print(
            f"{label:>8} {p50:>9.2f} {p95:>6.2f} {r.lost:>5} {r.served[Tier.BUILDING]:>9} "
            f"{r.served[Tier.COUNTER]:>8} {cpu:>19.2f}s {mean:>10.2f}  {shown}"
        )
    print(
        "final latency: end of speech → final text, seconds. replica CPU/counter: the speech "
        "replicas' CPU seconds per second of each counter's stream. building/counter: final "
        "decodes by tier (early decodes included)."
    )


def _percentiles(values: list[float]) -> tuple[float, float]:
    if not values:
        return float("nan"), float("nan")
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def _load() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


if __name__ == "__main__":
    raise SystemExit(main())
