"""The kiosk's client for a building server: `changgu serve`, or any server speaking the same
protocols (OpenAI transcriptions: speaches, vLLM; LibreTranslate).

Every call has a deadline and raises `BuildingUnavailable` for anything but a valid answer in time:
the caller then does the work on the counter at once. A `CircuitBreaker` stops the calls after
repeated failures and lets one probe through after a cool-down.
"""

from __future__ import annotations

import logging
import ssl
import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import numpy.typing as npt

from asr.whisper import Hypothesis
from building import protocol
from building.breaker import BreakerState, CircuitBreaker

log = logging.getLogger(__name__)


class BuildingUnavailable(Exception):
    """The building server did not give a usable answer in time (the reason is for the log)."""


@dataclass(frozen=True, slots=True)
class BuildingConfig:
    url: str  # e.g. https://changgu.cityhall.local:8400
    token: str = ""
    ca_bundle: Path | None = None  # the city's CA, when its certificate is not publicly signed
    model: str = "whisper"  # the `model` form field (servers like vLLM need their model's name)
    # a final not back by then is decoded on the counter: the speech targets' p95 for a final,
    # so the building is used only when it is at least as quick as the counter should be
    final_budget_s: float = 1.5
    translate_budget_s: float = 1.5
    probe_timeout_s: float = 0.7

    def problems(self) -> list[str]:
        """What is wrong with this configuration, as messages for staff (empty: usable)."""
        out = []
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            out.append(f"the building server address {self.url!r} is not an http(s) URL")
        if self.ca_bundle is not None and not self.ca_bundle.is_file():
            out.append(f"the CA bundle {self.ca_bundle} does not exist")
        return out


class BuildingClient:
    """Thread-safe (the speech and translation workers share it)."""

    def __init__(
        self,
        config: BuildingConfig,
        breaker: CircuitBreaker | None = None,
        translate_breaker: CircuitBreaker | None = None,
    ) -> None:
        import httpx2

        problems = config.problems()
        if problems:
            raise ValueError("; ".join(problems))
        self.config = config
        # one breaker per service: a speech-only server (speaches, vLLM) that has no /translate
        # must not stop the finals going to it
        self.breaker = breaker or CircuitBreaker()
        self.translate_breaker = translate_breaker or CircuitBreaker()
        verify: ssl.SSLContext | bool = True
        if config.ca_bundle is not None:
            verify = ssl.create_default_context(cafile=str(config.ca_bundle))
        headers = {"Authorization": f"Bearer {config.token}"} if config.token else {}
        self._http = httpx2.Client(
            base_url=config.url.rstrip("/"),
            headers=headers,
            verify=verify,
            timeout=config.final_budget_s,
            follow_redirects=False,
            trust_env=False,  # never a proxy from the environment: visit data stays on this path
        )
        # (RuntimeError: the client was closed as the kiosk stops)
        self._errors: tuple[type[BaseException], ...] = (
            httpx2.HTTPError,
            protocol.ProtocolError,
            RuntimeError,
        )
        self._lock = threading.Lock()
        self._languages: dict[str, frozenset[str]] | None = None
        self.last_error = ""
        # how long each failed request kept a final (or a translation) waiting, newest last
        self.failure_waits: deque[float] = deque(maxlen=100)
        self._calls = threading.local()  # when this thread's request started

    # -- speech --

    def transcribe(
        self,
        audio: npt.NDArray[np.float32],
        langs: Sequence[str],
        language: str | None = None,
        hint: str | None = None,
        hint_lang: str | None = None,
    ) -> Hypothesis:
        """One utterance's final text from the server, or BuildingUnavailable."""
        form = {"model": self.config.model, "response_format": "verbose_json"}
        if language:
            form["language"] = language
        elif len(langs) == 1:
            form["language"] = langs[0]
        else:
            form["languages"] = ",".join(langs)
        if hint:
            form["prompt"] = hint
            if hint_lang:
                form["prompt_language"] = hint_lang
        files = {"file": ("utterance.wav", protocol.wav_bytes(audio), "audio/wav")}
        body = self._call(
            self.breaker,
            "POST",
            protocol.TRANSCRIPTIONS,
            self.config.final_budget_s,
            data=form,
            files=files,
        )
        try:
            heard = protocol.read_transcription(body, form.get("language"))
        except protocol.ProtocolError as exc:
            self._failed(self.breaker, f"a garbled transcription ({exc})")
            raise BuildingUnavailable(str(exc)) from exc
        hyp = heard.hypothesis
        if langs and hyp.lang not in langs:
            # another server ignored `languages` and heard a third language: not ours to show
            self._failed(
                self.breaker, f"the server heard {hyp.lang!r}, not one of {','.join(langs)}"
            )
            raise BuildingUnavailable("the server chose a language outside the pair")
        self._succeeded(self.breaker)
        return hyp

    # -- translation --

    def languages(self) -> dict[str, frozenset[str]]:
        """{source: targets} the server translates (cached until the breaker opens)."""
        with self._lock:
            if self._languages is not None:
                return self._languages
        body = self._call(
            self.translate_breaker, "GET", protocol.LANGUAGES, self.config.translate_budget_s
        )
        try:
            found = protocol.read_languages(body)
        except protocol.ProtocolError as exc:
            self._failed(self.translate_breaker, str(exc))
            raise BuildingUnavailable(str(exc)) from exc
        with self._lock:
            self._languages = found
        self._succeeded(self.translate_breaker)
        return found

    def translate(self, text: str, source: str, target: str) -> str:
        body = self._call(
            self.translate_breaker,
            "POST",
            protocol.TRANSLATE,
            self.config.translate_budget_s,
            json=self._translate_body(text, source, target),
        )
        try:
            translated = protocol.read_translation(body)
        except protocol.ProtocolError as exc:
            self._failed(self.translate_breaker, str(exc))
            raise BuildingUnavailable(str(exc)) from exc
        self._succeeded(self.translate_breaker)
        return translated

    def _translate_body(self, text: str, source: str, target: str) -> dict[str, str]:
        body = {"q": text, "source": source, "target": target, "format": "text"}
        if self.config.token:  # LibreTranslate with --api-keys reads the key from the body
            body["api_key"] = self.config.token
        return body

    # -- health --

    @property
    def serving(self) -> bool:
        """Finals go to the server now (the speech breaker is closed)."""
        return self.breaker.state is BreakerState.CLOSED

    def healthy(self) -> bool:
        """A quick `GET /healthz` (no breaker bookkeeping)."""
        try:
            reply = self._http.get(protocol.HEALTH, timeout=self.config.probe_timeout_s)
        except self._errors:
            return False
        return reply.status_code == 200

    def close(self) -> None:
        self._http.close()

    # -- internals --

    def _call(
        self, breaker: CircuitBreaker, method: str, path: str, budget_s: float, **kwargs: Any
    ) -> Any:
        if not breaker.allow():
            raise BuildingUnavailable("the circuit breaker is open")
        started = self._calls.started = time.monotonic()
        if breaker.state is BreakerState.PROBING and not self.healthy():
            self._failed(breaker, "the health probe failed")
            raise BuildingUnavailable("the health probe failed")
        try:
            reply = self._http.request(method, path, timeout=budget_s, **kwargs)
        except self._errors as exc:
            self._failed(breaker, f"{type(exc).__name__} after {time.monotonic() - started:.1f} s")
            raise BuildingUnavailable(type(exc).__name__) from exc
        if reply.status_code != 200:
            self._failed(breaker, f"HTTP {reply.status_code}")
            raise BuildingUnavailable(f"HTTP {reply.status_code}")
        try:
            body = reply.json()
        except ValueError as exc:
            self._failed(breaker, "an answer that is not JSON")
            raise BuildingUnavailable("not JSON") from exc
        return body  # the caller reads it, then calls `_succeeded` (or `_failed`)

    def _succeeded(self, breaker: CircuitBreaker) -> None:
        breaker.success()
        self.last_error = ""

    def _failed(self, breaker: CircuitBreaker, reason: str) -> None:
        # the reason names the failure only (status, exception type), never what was said
        started = getattr(self._calls, "started", time.monotonic())
        self.failure_waits.append(time.monotonic() - started)
        breaker.failure()
        self.last_error = reason
        with self._lock:
            self._languages = None
        log.warning("building server: %s; working on the counter", reason)
