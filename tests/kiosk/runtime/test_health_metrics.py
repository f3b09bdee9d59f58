"""The health textfile a city's node_exporter reads: counts and latencies of real visits through
the kiosk (the real phrasebook), and never a word of what was said."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from asr.events import Side, Status, Utterance
from kiosk.core.events import MicRole
from kiosk.core.health import Component, State
from kiosk.runtime.engines import Engines
from kiosk.runtime.health_metrics import HealthMetrics
from kiosk.runtime.kiosk import Kiosk
from kiosk.setup.policy import Policy
from kiosk.setup.settings import Settings

TYPED = "창구 옆 화분에 물을 주셨나요"  # nothing in the book: not translated
SAID = "Where do I pay the fee?"


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return out


def test_a_day_at_the_counter_in_the_textfile(qtbot, tmp_path):
    path = tmp_path / "node-exporter" / "changgu.prom"
    path.parent.mkdir()
    settings = Settings(languages=("en", "vi"))
    settings.apply_policy(Policy(metrics_file=path))
    kiosk = Kiosk(settings, engines=Engines.real(speech=False))
    kiosk.start(load_speech=False)
    try:
        qtbot.waitUntil(lambda: kiosk.ready, timeout=60_000)
        kiosk.choose_language("en")
        kiosk.quick_reply("greet.wait")
        kiosk.send_typed(TYPED, Side.STAFF)
        heard = Utterance(7, Side.VISITOR, "en", SAID, True, 0.0, 2.0, 0.9, latency_s=1.3)
        kiosk.hear(heard, "mic:counter", MicRole.COUNTER)
        qtbot.waitUntil(
            lambda: (
                len(kiosk.session.turns) == 3
                and all(t.kind.value != "pending" for t in kiosk.session.turns)
            ),
            timeout=30_000,
        )
        kiosk.status.emit(Status("mic:counter", State.OK, "listening"))
        kiosk.status.emit(Status(Component.CAMERA, State.LOST, "no pictures"))
        kiosk.new_visit()
        kiosk.choose_language("vi")
        kiosk.quick_reply("greet.wait")
        kiosk.write_metrics()
    finally:
        kiosk.stop()
    text = path.read_text()
    got = samples(text)
    assert got[("changgu_visits_total", ())] == 1
    turns = {labels: n for (name, labels), n in got.items() if name == "changgu_turns_total"}
    assert sum(turns.values()) == 4  # three in the first visit, one in the visit going on
    assert turns[(("kind", "none"), ("side", "staff"))] == 1
    assert turns[(("kind", "verified"), ("side", "staff"))] == 2
    assert got[("changgu_not_translated_ratio", ())] == 0.25
    assert got[("changgu_final_latency_seconds_count", ())] == 1
    assert got[("changgu_final_latency_seconds_sum", ())] == 1.3
    assert got[("changgu_device_up", (("device", "mic:counter"),))] == 1
    assert got[("changgu_device_up", (("device", "camera"),))] == 0
    for words in (TYPED, SAID, "fee", "화분"):
        assert words not in text


def test_an_unwritable_place_is_a_status_not_a_crash(tmp_path):
    metrics = HealthMetrics()
    problem = metrics.write(tmp_path / "missing-folder" / "changgu.prom")
    assert problem and "health metrics not written" in problem


def test_the_building_server_and_the_speech_model_are_shown(tmp_path):
    metrics = HealthMetrics()
    path = tmp_path / "changgu.prom"
    assert "changgu_building_server_up" not in (metrics.write(path) or path.read_text())
    metrics.status(Status(Component.BUILDING, State.OK, "https://x answers"))
    metrics.write(path)
    assert samples(path.read_text())[("changgu_building_server_up", ())] == 1
    metrics.status(
        Status(Component.BUILDING, State.WARNING, "serving: this counter (the building server …)")
    )
    metrics.speech_model("whisper-small")
    metrics.speech_model("whisper-base")  # the model that runs now, only
    metrics.write(path)
    got = samples(path.read_text())
    assert got[("changgu_building_server_up", ())] == 0
    assert got[("changgu_speech_model_info", (("model", "whisper-base"),))] == 1
    assert ("changgu_speech_model_info", (("model", "whisper-small"),)) not in got
