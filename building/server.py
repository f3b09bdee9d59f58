"""`changgu serve`: the counter's engines for a whole building, as a Ray Serve application.

Three deployments:
- `Speech`: Whisper (faster-whisper / CTranslate2) with the installed model. Requests that arrive
  together from several counters are decoded as one batch (`@serve.batch`): one encoder pass and
  one beam search for all of them (`asr.whisper.WhisperEngine.recognise_batch`).
- `Translation`: the installed CTranslate2 MT packs (`translate.mt.MachineTranslator`).
- `Gateway`: the HTTP face (FastAPI): OpenAI's transcription API, LibreTranslate's API, `/healthz`
  and Prometheus `/metrics`. Every route but the health check needs the bearer token.

Ray places the replicas on whatever nodes the cluster has (`ray start --head` on one machine,
`ray start --address` on the others). Nothing a counter sends is logged or written anywhere: the
audio is decoded in memory, and the logs hold methods, paths, status codes and timings only.

Ray is imported here and only here, so the kiosk never needs it (`pip install .[server]`). No
`from __future__ import annotations`: Ray pickles the deployments by value, and FastAPI must see
the real annotation objects (`Request`) to know what a route takes.
"""

import asyncio
import contextlib
import hashlib
import hmac
import io
import logging
import os
import secrets
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse, PlainTextResponse

from asr.whisper import BatchRequest, Hypothesis
from building import protocol
from building.decoding import SERVER_DECODE

log = logging.getLogger(__name__)

APP_NAME = "changgu"
# a replica being stopped has at most this long to finish its requests (counters fall back to
# their own engines at once anyway)
STOP_S = 2.0


@dataclass(frozen=True, slots=True)
class ServeConfig:
    token_sha256: str  # the bearer token's hash (the token itself stays in its file)
    model_dir: Path  # Whisper model folder (CTranslate2)
    mt_dir: Path | None = None  # installed MT packs, if any
    host: str = "127.0.0.1"
    port: int = 8400
    certfile: Path | None = None  # TLS when the city gives a certificate
    keyfile: Path | None = None
    address: str | None = None  # a running Ray cluster ("auto", "10.0.0.5:6379"); None: start one
    work_dir: Path | None = None  # Ray's session folder (logs), when this process starts Ray
    speech_replicas: int = 1
    threads: int = 2  # CPU threads per speech replica
    replica_cpus: float = 1.0  # Ray CPUs each speech replica reserves (spreads them over nodes)
    max_batch: int = 8
    batch_wait_s: float = 0.05


def token_hash(token: str) -> str:
    return hashlib.sha256(token.strip().encode()).hexdigest()


def build_app(cfg: ServeConfig) -> Any:
    """The Ray Serve application (not yet running)."""
    from ray import serve

    @serve.deployment(
        # Ray gives an actor OMP_NUM_THREADS=1 (its num_cpus, rounded): CTranslate2's OpenMP pool
        # would then decode on one thread, whatever cpu_threads says, and not sample for sample
        # as the counter does with the same model and audio
        ray_actor_options={
            "num_cpus": cfg.replica_cpus,
            "runtime_env": {"env_vars": {"OMP_NUM_THREADS": str(cfg.threads)}},
        },
        # requests waiting at a replica are what a batch is formed from: room for two batches
        max_ongoing_requests=2 * cfg.max_batch,
        graceful_shutdown_timeout_s=STOP_S,
        graceful_shutdown_wait_loop_s=0.5,
    )
    class Speech:
        def __init__(self) -> None:
            from asr.whisper import WhisperEngine

            self.engine = WhisperEngine(cfg.model_dir, cpu_threads=cfg.threads)

        @serve.batch(max_batch_size=cfg.max_batch, batch_wait_timeout_s=cfg.batch_wait_s)
        async def decode(self, requests: list[BatchRequest]) -> list[tuple[Hypothesis, int, float]]:
            started = time.perf_counter()
            hyps = await asyncio.to_thread(self.engine.recognise_batch, requests, SERVER_DECODE)
            took = time.perf_counter() - started
            return [(hyp, len(requests), took) for hyp in hyps]

        async def __call__(self, request: BatchRequest) -> tuple[Hypothesis, int, float]:
            result: tuple[Hypothesis, int, float] = await self.decode(request)
            return result

    @serve.deployment(
        ray_actor_options={"num_cpus": 0},
        graceful_shutdown_timeout_s=STOP_S,
        graceful_shutdown_wait_loop_s=0.5,
    )
    class Translation:
        def __init__(self) -> None:
            from translate.glossary import Glossary
            from translate.mt import MachineTranslator

            self.mt = None
            if cfg.mt_dir is not None and cfg.mt_dir.is_dir():
                self.mt = MachineTranslator.from_folder(cfg.mt_dir, Glossary.load())

        def languages(self) -> list[dict[str, Any]]:
            from translate import languages

            if self.mt is None:
                return []
            codes = [c for c in languages.codes()]
            out = []
            for source in codes:
                targets = [t for t in codes if t != source and self.mt.supports(source, t)]
                if targets:
                    out.append({"code": source, "name": source, "targets": targets})
            return out

        async def translate(self, text: str, source: str, target: str) -> str | None:
            if self.mt is None or not self.mt.supports(source, target):
                return None
            result = await asyncio.to_thread(self.mt.translate, text, source, target)
            return result.text

    api = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)

    @serve.deployment(
        ray_actor_options={"num_cpus": 0},
        max_ongoing_requests=256,  # async and light: it only waits on the other deployments
        graceful_shutdown_timeout_s=STOP_S,
        graceful_shutdown_wait_loop_s=0.5,
    )
    @serve.ingress(api)
    class Gateway:
        def __init__(self, speech: Any, translation: Any) -> None:
            from building.metrics import ServerMetrics

            self.speech = speech
            self.translation = translation
            self.metrics = ServerMetrics()

        def _authorise(self, request: Request) -> None:
            given = request.headers.get("authorization", "")
            scheme, _, token = given.partition(" ")
            ok = scheme.lower() == "bearer" and hmac.compare_digest(
                token_hash(token), cfg.token_sha256
            )
            if not ok:
                self.metrics.refused.inc()
                raise HTTPException(401, "a valid bearer token is required")

        @api.get(protocol.HEALTH)
        async def healthz(self) -> dict[str, Any]:
            return {"status": "ok", "speech": cfg.model_dir.name, "mt": cfg.mt_dir is not None}

        @api.get(protocol.METRICS)
        async def prometheus(self, request: Request) -> PlainTextResponse:
            self._authorise(request)
            return PlainTextResponse(self.metrics.render(), media_type="text/plain; version=0.0.4")

        @api.post(protocol.TRANSCRIPTIONS)
        async def transcriptions(self, request: Request) -> Any:
            self._authorise(request)
            started = time.perf_counter()
            status = "500"
            try:
                form = await request.form(max_files=1, max_fields=8)
                upload = form.get("file")
                if upload is None or isinstance(upload, str):
                    status = "400"
                    raise HTTPException(400, "the form needs an audio `file`")
                data = await upload.read(protocol.MAX_AUDIO_BYTES + 1)
                if len(data) > protocol.MAX_AUDIO_BYTES:
                    status = "413"
                    raise HTTPException(413, "the audio is too long for one utterance")
                try:
                    audio = await asyncio.to_thread(_decode_audio, data)
                    langs = protocol.parse_languages(_field(form, "languages"))
                except protocol.ProtocolError as exc:
                    status = "400"
                    raise HTTPException(400, str(exc)) from exc
                named = _field(form, "language")
                language = protocol.language_code(named) if named else None
                request_item = BatchRequest(
                    audio=audio,
                    langs=langs,
                    language=language,
                    hint=(_field(form, "prompt") or None),
                    hint_lang=(_field(form, "prompt_language") or None),
                )
                hyp, batch, took = await self.speech.remote(request_item)
                self.metrics.batch_size.observe(batch)
                self.metrics.decode_seconds.observe(took)
                duration = len(audio) / 16000
                self.metrics.audio_seconds.inc(duration)
                status = "200"
                if _field(form, "response_format") in ("verbose_json",):
                    return protocol.verbose_json(hyp, duration)
                if _field(form, "response_format") == "text":
                    return PlainTextResponse(hyp.text)
                return {"text": hyp.text}
            except HTTPException as exc:
                status = str(exc.status_code)
                raise
            finally:
                self.metrics.observe("transcriptions", status, time.perf_counter() - started)

        @api.get(protocol.LANGUAGES)
        async def languages(self, request: Request) -> Any:
            self._authorise(request)
            return await self.translation.languages.remote()

        @api.post(protocol.TRANSLATE)
        async def translate(self, request: Request) -> Any:
            self._authorise(request)
            started = time.perf_counter()
            status = "500"
            try:
                body = await _json_or_form(request)
                q, source, target = body.get("q"), body.get("source"), body.get("target")
                if not all(isinstance(v, str) and v for v in (q, source, target)):
                    status = "400"
                    return JSONResponse({"error": "q, source and target are required"}, 400)
                assert isinstance(q, str) and isinstance(source, str) and isinstance(target, str)
                if len(q) > protocol.MAX_TEXT_CHARS:
                    status = "413"
                    return JSONResponse({"error": "the text is too long"}, 413)
                text = await self.translation.translate.remote(q, source, target)
                if text is None:
                    status = "400"
                    return JSONResponse(
                        {"error": f"no translation model for {source}->{target}"}, 400
                    )
                status = "200"
                return {"translatedText": text}
            finally:
                self.metrics.observe("translate", status, time.perf_counter() - started)

    speech = Speech.options(num_replicas=cfg.speech_replicas).bind()  # type: ignore[attr-defined]
    translation = Translation.bind()  # type: ignore[attr-defined]
    return Gateway.bind(speech, translation)  # type: ignore[attr-defined]


def _field(form: Any, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


async def _json_or_form(request: Any) -> dict[str, Any]:
    """LibreTranslate accepts JSON and form bodies."""
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            body = await request.json()
        except ValueError:
            return {}
        return body if isinstance(body, dict) else {}
    form = await request.form(max_files=0, max_fields=8)
    return {k: v for k, v in form.items() if isinstance(v, str)}


def _decode_audio(data: bytes) -> Any:
    """Any audio file PyAV reads → 16 kHz mono float32, in memory. A counter's float WAV is read
    as it is, sample for sample."""
    from faster_whisper.audio import decode_audio

    exact = protocol.float_wav_samples(data)  # ProtocolError: not numbers
    if exact is not None and len(exact):
        return exact
    try:
        audio = decode_audio(io.BytesIO(data), sampling_rate=16000)
    except Exception as exc:  # PyAV raises many kinds for a bad file
        reason = f"the audio file could not be read ({type(exc).__name__})"
        raise protocol.ProtocolError(reason) from exc
    if len(audio) == 0:
        raise protocol.ProtocolError("the audio file holds no samples")
    return audio


def quiet_ray_environment(work_dir: Path | None) -> None:
    """No usage statistics to Ray's servers, and nothing outside our folder: when this process
    starts Ray, Ray's own cluster token (its RPC authentication) is kept in the work folder, not
    in ~/.ray. A cluster started with `ray start` brings its own (RAY_AUTH_TOKEN_PATH)."""
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    os.environ.setdefault("RAY_DEDUP_LOGS", "1")
    if work_dir is None:
        return
    os.environ["RAY_TMPDIR"] = str(work_dir)
    token = work_dir / "ray-auth-token"
    if not token.exists():
        fd = os.open(token, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    os.environ["RAY_AUTH_MODE"] = "token"
    os.environ["RAY_AUTH_TOKEN_PATH"] = str(token)


def serve_forever(cfg: ServeConfig, ready: threading.Event | None = None) -> None:
    """Start (or join) Ray, run the application, and wait for SIGINT/SIGTERM."""
    quiet_ray_environment(cfg.work_dir)
    import ray
    from ray import serve

    init: dict[str, Any] = {"configure_logging": True, "logging_level": logging.WARNING}
    if cfg.address:
        ray.init(address=cfg.address, **init)
    else:
        init["include_dashboard"] = False
        if cfg.work_dir is not None:
            init["_temp_dir"] = str(cfg.work_dir)
        ray.init(**init)
    http: dict[str, Any] = {"host": cfg.host, "port": cfg.port}
    if cfg.certfile and cfg.keyfile:
        http |= {"ssl_certfile": str(cfg.certfile), "ssl_keyfile": str(cfg.keyfile)}
    serve.start(http_options=http)
    serve.run(build_app(cfg), name=APP_NAME, route_prefix="/", blocking=False)
    scheme = "https" if cfg.certfile else "http"
    _say(f"changgu serve: ready at {scheme}://{cfg.host}:{cfg.port}")
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    if ready is not None:
        ready.set()
    try:
        stop.wait()
    finally:
        _say("changgu serve: stopping")
        try:
            if cfg.address:  # a cluster outlives this process: take the application off it
                serve.delete(APP_NAME)
        finally:
            ray.shutdown()  # a cluster this process started stops with it


def _say(line: str) -> None:
    """A line on stdout; a closed stdout (whoever started us is gone) is no reason to stay up."""
    with contextlib.suppress(OSError, ValueError):
        print(line, flush=True)
