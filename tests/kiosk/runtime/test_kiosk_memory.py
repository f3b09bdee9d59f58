"""New visit leaves nothing of the visit in memory: after a machine translation through the kiosk
(a tiny MT pack built here; real CTranslate2), the visitor's sentence and its translation are
gone from every object Python can see — turns, caches, the translator — and nothing reached the
disk.
"""

from __future__ import annotations

import gc
import importlib.util
from pathlib import Path

from asr.events import Side
from kiosk.core.session import TurnKind
from kiosk.runtime.kiosk import Engines, Kiosk
from kiosk.setup import paths
from kiosk.setup.settings import Settings
from translate import Translator

_spec = importlib.util.spec_from_file_location(
    "mt_models", Path(__file__).parents[2] / "translate" / "mt_models.py"
)
assert _spec is not None and _spec.loader is not None
mt_models = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mt_models)

# built from parts, so that this module holds neither sentence as a whole
SOURCE = ["saya", "punya", "kucing", "oranye"]
TARGET = ["나는", "가졌다", "고양이", "주황"]


def _mentions(obj: object, needles: tuple[str, ...]) -> bool:
    if isinstance(obj, str):
        return any(n in obj for n in needles)
    if isinstance(obj, dict):
        items: list[object] = [*obj.keys(), *obj.values()]
    elif isinstance(obj, list | tuple | set | frozenset):
        items = list(obj)
    else:
        try:  # an object's own fields (foreign objects may refuse to be looked into)
            items = [v for v in vars(obj).values() if isinstance(v, str)]
            items += [getattr(obj, s, None) for s in getattr(type(obj), "__slots__", ())]
        except Exception:
            return False
    return any(isinstance(item, str) and any(n in item for n in needles) for item in items)


def test_new_visit_after_a_machine_translation_leaves_nothing(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("CHANGGU_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("CHANGGU_LOG_DIR", str(tmp_path / "log"))
    packs = tmp_path / "mt"
    packs.mkdir()
    mt_models.word_pack(
        packs, "words-id-ko", "id", "ko", dict(zip(SOURCE, TARGET, strict=True)), []
    )
    engines = Engines(
        phrasebook=lambda: Translator.load(paths.cache_dir(), semantic=False),
        translator=lambda: Translator.load(paths.cache_dir(), packs),
        speech=None,
    )
    kiosk = Kiosk(Settings(), engines=engines)
    kiosk.start(load_speech=False)
    qtbot.waitUntil(lambda: kiosk.ready, timeout=60_000)
    kiosk.choose_language("id")
    kiosk.send_typed(" ".join(SOURCE), Side.VISITOR)  # the visitor's pad
    qtbot.waitUntil(
        lambda: (t := kiosk.session.latest(Side.VISITOR)) is not None and t.kind != "pending",
        timeout=30_000,
    )
    turn = kiosk.session.latest(Side.VISITOR)
    assert turn is not None and turn.kind is TurnKind.MACHINE
    assert turn.translated_text == " ".join(TARGET)
    del turn
    kiosk.new_visit()
    qtbot.wait(100)  # the events of the translation worker are delivered
    gc.collect()
    needles = (" ".join(SOURCE), " ".join(TARGET))
    left = [
        type(o).__name__ for o in gc.get_objects() if o is not needles and _mentions(o, needles)
    ]
    del needles
    kiosk.stop(wait_s=5)
    assert left == []
    written = [p for p in tmp_path.rglob("*") if p.is_file() and not p.is_relative_to(packs)]
    assert all(SOURCE[2] not in p.read_text(errors="ignore") for p in written)
