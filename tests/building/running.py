"""A real `changgu serve` on loopback, started as its own process group, for the tests."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx2

READY_TIMEOUT_S = 240.0


def _stop_with_parent() -> None:
    """In the child: SIGTERM when the test process dies, even killed (no orphan servers)."""
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class RunningServer:
    """`changgu serve` in a child process: start, stop (gracefully or killed), restart."""

    def __init__(
        self, folder: Path, mt_dir: Path | None = None, *extra: str, ca: Path | None = None
    ) -> None:
        self.folder = folder
        self.port = free_port()
        self.ca = ca  # with --cert/--key in `extra`: the certificate that signed it
        self.url = f"{'https' if ca else 'http'}://127.0.0.1:{self.port}"
        self.token = "test-" + os.urandom(16).hex()
        self.token_file = folder / "token"
        # Ray's sockets live in its session folder, and a socket path has at most 107 bytes
        self.work_dir = Path(tempfile.mkdtemp(prefix="cgs-", dir="/tmp"))
        self.mt_dir = mt_dir
        self.extra = extra
        self.output: list[str] = []  # everything it printed (checked for visit text)
        self.proc: subprocess.Popen[str] | None = None
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.token_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(self.token)

    def start(self) -> RunningServer:
        args = [
            sys.executable,
            "-m",
            "kiosk.cli",
            "serve",
            "--port",
            str(self.port),
            "--token-file",
            str(self.token_file),
            "--work-dir",
            str(self.work_dir),
            "--batch-wait",
            "0.02",
            *self.extra,
        ]
        if self.mt_dir is not None:
            args += ["--mt-dir", str(self.mt_dir)]
        self.proc = subprocess.Popen(
            args,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # its own process group: Ray's processes go with it
            preexec_fn=_stop_with_parent,
            cwd=self.folder,
        )
        ready = threading.Event()
        proc = self.proc

        def read() -> None:
            assert proc.stdout is not None
            for line in proc.stdout:
                self.output.append(line)
                if "changgu serve: ready at" in line:
                    ready.set()

        threading.Thread(target=read, daemon=True).start()
        deadline = time.monotonic() + READY_TIMEOUT_S
        while not ready.wait(0.5):
            if proc.poll() is not None or time.monotonic() > deadline:
                self.stop(kill=True)
                raise RuntimeError("changgu serve did not start:\n" + "".join(self.output[-40:]))
        self._wait_routes()
        return self

    def _wait_routes(self) -> None:
        """Ready means every route answers (Serve announces the app a moment before the proxy)."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx2.HTTPError):
                verify = ssl.create_default_context(cafile=str(self.ca)) if self.ca else True
                reply = httpx2.get(self.url + "/healthz", timeout=2, verify=verify)
                if reply.status_code == 200:
                    return
            time.sleep(0.3)
        raise RuntimeError("changgu serve announced itself but /healthz does not answer")

    def stop(self, kill: bool = False) -> None:
        """SIGTERM (graceful) or SIGKILL to the whole process group, and wait for it to go."""
        proc = self.proc
        if proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL if kill else signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        # Ray's own processes leave once their driver is gone; do not leave any behind a test
        deadline = time.monotonic() + 30
        while self.ray_pids() and time.monotonic() < deadline:
            time.sleep(0.5)
        for pid in self.ray_pids():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.proc = None

    def remove(self) -> None:
        """Delete the Ray session folder (after `stop`)."""
        shutil.rmtree(self.work_dir, ignore_errors=True)

    def ray_pids(self, name: str = "") -> list[int]:
        """Processes of this server's Ray session: its work folder on their command line, or
        descended from the server process (Ray's workers rename themselves "ray::…")."""
        parents: dict[int, int] = {}
        cmdlines: dict[int, str] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            pid = int(entry.name)
            parents[pid] = int(stat.rsplit(")", 1)[1].split()[1])
            cmdlines[pid] = cmdline
        root = self.proc.pid if self.proc is not None else -1

        def descends(pid: int) -> bool:
            seen = 0
            while pid > 1 and seen < 64:
                if pid == root:
                    return True
                pid, seen = parents.get(pid, 0), seen + 1
            return False

        return [
            pid
            for pid, cmdline in cmdlines.items()
            if pid != os.getpid()
            and name in cmdline
            and (str(self.work_dir) in cmdline or descends(pid))
        ]

    def kill_speech_replica(self) -> int:
        """SIGKILL the process of the serving speech replica (Ray Serve starts a new one)."""
        pids = self.ray_pids("ServeReplica:changgu:Speech")
        assert pids, "no speech replica process found"
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        return len(pids)

    def files_text(self) -> str:
        """Every file the server wrote (its folder: Ray's session logs, anything else), as text."""
        parts = []
        paths = [*self.folder.rglob("*"), *self.work_dir.rglob("*")]
        for path in sorted(paths):
            if path.is_file() and not path.is_symlink() and path.suffix not in (".sock",):
                with contextlib.suppress(OSError):
                    parts.append(path.read_bytes().decode("utf-8", errors="replace"))
        return "\n".join(parts) + "".join(self.output)
