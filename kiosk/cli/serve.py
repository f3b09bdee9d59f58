"""`changgu serve`: a building's inference server (needs `pip install .[server]`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from kiosk.errors import ChangguError
from kiosk.setup import paths
from kiosk.setup.model_store import ModelManager


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "serve",
        help="serve speech and translation to a building's counters (Ray Serve)",
        description=(
            "Run the counter's engines for every counter in a building: OpenAI's "
            "/v1/audio/transcriptions and LibreTranslate's /translate, on Ray Serve. Nothing "
            "that counters send is logged or stored."
        ),
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8400, help="port (default 8400)")
    p.add_argument(
        "--token-file",
        type=Path,
        required=True,
        help="file holding the bearer token counters must send (readable by its owner only)",
    )
    p.add_argument("--cert", type=Path, help="TLS certificate (PEM); with --key, serve HTTPS")
    p.add_argument("--key", type=Path, help="TLS private key (PEM)")
    p.add_argument(
        "--address",
        help="join a running Ray cluster (e.g. 'auto' or 10.0.0.5:6379) instead of starting one",
    )
    p.add_argument(
        "--work-dir",
        type=Path,
        help="Ray's session folder when this starts Ray (default: <data dir>/server)",
    )
    p.add_argument("--model", help="speech model name (default: the largest installed)")
    p.add_argument(
        "--mt-dir", type=Path, help="translation packs folder (default: <models dir>/mt)"
    )
    p.add_argument("--replicas", type=int, default=1, help="speech replicas (default 1)")
    p.add_argument("--threads", type=int, default=2, help="CPU threads per replica (default 2)")
    p.add_argument(
        "--replica-cpus",
        type=float,
        default=1.0,
        help="Ray CPUs each speech replica reserves (default 1; spreads replicas over nodes)",
    )
    p.add_argument("--max-batch", type=int, default=8, help="utterances per batch (default 8)")
    p.add_argument(
        "--batch-wait", type=float, default=0.05, help="seconds a batch waits to fill (0.05)"
    )
    p.set_defaults(func=_serve)


def read_token(path: Path) -> str:
    """The token in `path`, refused when others may read or change the file (the same checks as
    the kiosk's own token file, `kiosk.setup.building.read_token`)."""
    from kiosk.setup.building import read_token as read_token_file

    token, problem = read_token_file(path)
    if problem:
        raise ChangguError(problem)
    if not path.exists():
        raise ChangguError(
            f"the token file {path} does not exist. Create it with a long random token: "
            f"`umask 077; openssl rand -hex 32 > {path}`"
        )
    if len(token) < 16 or any(ch.isspace() for ch in token):
        raise ChangguError(
            f"the token in {path} must be one word of at least 16 characters "
            "(`openssl rand -hex 32` makes one)"
        )
    return token


def _serve(args: argparse.Namespace) -> int:
    try:
        from building.server import ServeConfig, serve_forever, token_hash
    except ImportError as exc:
        raise ChangguError(
            f"the building server needs Ray Serve ({exc.name} is missing): install it with "
            "`pip install 'changgu[server]'` (or `pip install .[server]` in a checkout)"
        ) from exc
    if bool(args.cert) != bool(args.key):
        raise ChangguError("TLS needs both --cert and --key")
    for tls in (args.cert, args.key):
        if tls is not None and not tls.is_file():
            raise ChangguError(f"the TLS file {tls} does not exist")
    token = read_token(args.token_file)
    manager = ModelManager()
    model = args.model
    if not model:
        installed = manager.installed("asr")
        # the manifest lists models smallest first: the server takes the largest it has
        model = installed[-1].name if installed else None
    model_dir = manager.path_for("asr", preferred=model)
    mt_dir = args.mt_dir or paths.models_dir() / "mt"
    work_dir = args.work_dir or paths.data_dir() / "server"
    if not args.address:
        # Ray puts sockets in <work dir>/session_<date>_<id>/sockets/; a socket path has at most
        # 107 bytes
        if len(str(work_dir.resolve())) > 50:
            raise ChangguError(
                f"the work folder {work_dir} has too long a path for Ray's sockets (at most 50 "
                "characters): give a shorter one with --work-dir, e.g. /var/lib/changgu-server"
            )
        work_dir.mkdir(parents=True, exist_ok=True)
    cfg = ServeConfig(
        token_sha256=token_hash(token),
        model_dir=model_dir,
        mt_dir=mt_dir if mt_dir.is_dir() else None,
        host=args.host,
        port=args.port,
        certfile=args.cert,
        keyfile=args.key,
        address=args.address,
        work_dir=None if args.address else work_dir,
        speech_replicas=max(1, args.replicas),
        threads=max(1, args.threads),
        replica_cpus=max(0.0, args.replica_cpus),
        max_batch=max(1, args.max_batch),
        batch_wait_s=max(0.0, args.batch_wait),
    )
    serve_forever(cfg)
    return 0
