"""The building server's Prometheus metrics: counts and latencies only, never text or audio."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

LATENCY_BUCKETS = (0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0)


class ServerMetrics:
    """One registry per gateway replica (`GET /metrics`)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "changgu_server_requests",
            "Requests answered, by endpoint and HTTP status",
            ["endpoint", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "changgu_server_request_seconds",
            "Time from request to answer, by endpoint",
            ["endpoint"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.batch_size = Histogram(
            "changgu_server_speech_batch_size",
            "Utterances decoded together in one batch",
            buckets=(1, 2, 3, 4, 6, 8, 12, 16),
            registry=self.registry,
        )
        self.decode_seconds = Histogram(
            "changgu_server_speech_decode_seconds",
            "Time one batch took to decode",
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.audio_seconds = Counter(
            "changgu_server_audio_seconds",
            "Seconds of speech transcribed",
            registry=self.registry,
        )
        self.refused = Counter(
            "changgu_server_unauthorised",
            "Requests refused for a missing or wrong token",
            registry=self.registry,
        )

    def observe(self, endpoint: str, status: str, seconds: float) -> None:
        self.requests.labels(endpoint, status).inc()
        self.latency.labels(endpoint).observe(seconds)

    def render(self) -> str:
        return generate_latest(self.registry).decode()
