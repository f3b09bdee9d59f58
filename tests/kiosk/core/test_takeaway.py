"""The take-away note: staff's answers in the visitor's language beside the Korean, as QR codes a
real decoder (OpenCV's QRCodeDetector) reads back from the rendered image."""

from __future__ import annotations

import io
import tomllib
import unicodedata
from datetime import date
from importlib import resources

import cv2
import numpy as np
import pytest

from asr.events import Side
from kiosk.core import strings
from kiosk.core.session import Turn, TurnKind
from kiosk.core.takeaway import ERROR_LEVEL, MAX_VERSION, build_note, qr_code, split_payloads

DAY = date(2026, 11, 30)


def staff_phrases(lang: str) -> list[tuple[str, str]]:
    """(Korean, visitor language) of every staff phrase of the phrasebook, in file order."""
    pairs = []
    for entry in sorted(resources.files("assets.phrasebook").iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".toml"):
            continue
        for phrase in tomllib.loads(entry.read_text("utf-8")).get("phrase", []):
            if phrase.get("side") == "staff" and lang in phrase["text"]:
                pairs.append((phrase["text"]["ko"], phrase["text"][lang]))
    return pairs


def visit(lang: str, answers: list[tuple[str, str]], kinds: tuple[str, ...] = ("verified",)):
    """A visit's turns: the visitor asks, staff answer (Korean, translated into `lang`)."""
    turns = []
    for i, (korean, translated) in enumerate(answers):
        turns.append(
            Turn(2 * i + 1, Side.VISITOR, lang, "question", "ko", "질문", TurnKind.MACHINE)
        )
        kind = kinds[i % len(kinds)]
        turns.append(Turn(2 * i + 2, Side.STAFF, "ko", korean, lang, translated, TurnKind(kind)))
    return turns


def decode(code) -> str:
    """Render the code as a PNG, as a screen shows it, and read it with a real QR decoder."""
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=6, border=4)
    image = cv2.imdecode(np.frombuffer(buffer.getvalue(), np.uint8), cv2.IMREAD_GRAYSCALE)
    return read_qr(image)


def read_qr(image: np.ndarray) -> str:
    """The text of the QR code in `image`, read by OpenCV.

    OpenCV's classic QRCodeDetector misses some perfectly rendered codes (measured on 120 random
    codes of versions 6-25: 2 of 20 up to version 10, 23 of 40 at versions 21-25): when it finds
    nothing, OpenCV's ArUco-based QRCodeDetectorAruco (which read all 120) has a go.
    """
    text, points, _ = cv2.QRCodeDetector().detectAndDecode(image)
    if not text:
        text, points, _ = cv2.QRCodeDetectorAruco().detectAndDecode(image)
    assert points is not None and text, "no readable QR code in the rendered image"
    return text


def test_note_holds_staff_answers_with_the_korean_beside_each() -> None:
    answers = staff_phrases("vi")[:3]
    turns = visit("vi", answers, kinds=("verified", "machine", "none"))
    turns.append(Turn(99, Side.STAFF, "ko", "잠시만요", "vi", "", TurnKind.PENDING, final=False))
    note = build_note(turns, "vi", DAY)

    assert [line.korean for line in note.lines] == [ko for ko, _ in answers]
    assert [line.text for line in note.lines] == [answers[0][1], answers[1][1], ""]
    assert [line.machine for line in note.lines] == [False, True, False]
    text = note.text()
    assert text.splitlines() == [
        "창구 Changgu 2026-11-30",
        f"{strings.visitor('vi', 'note_title')} / {strings.visitor('ko', 'note_title')}",
        f"1. {answers[0][1]}",
        f"   {answers[0][0]}",
        f"2. {answers[1][1]} *",
        f"   {answers[1][0]}",
        f"3. {answers[2][0]}",  # not translated: the Korean alone, to show someone
        f"* {strings.visitor('vi', 'machine')}",
    ]
    assert "question" not in text and "질문" not in text  # the visitor's own words stay out


@pytest.mark.parametrize("lang", ["ksl", "ko-captions", "ko"])
def test_a_korean_reader_gets_the_korean_only(lang: str) -> None:
    answers = staff_phrases("en")[:2]
    turns = [
        Turn(i, Side.STAFF, "ko", ko, "ko", ko, TurnKind.ORIGINAL)
        for i, (ko, _) in enumerate(answers, 1)
    ]
    note = build_note(turns, lang, DAY)
    assert note.text().splitlines()[1:] == [
        strings.visitor("ko", "note_title"),
        f"1. {answers[0][0]}",
        f"2. {answers[1][0]}",
    ]


@pytest.mark.parametrize("lang", ["vi", "th", "ja", "ne"])
def test_one_code_decodes_back_to_the_note(lang: str) -> None:
    note = build_note(visit(lang, staff_phrases(lang)[:2]), lang, DAY)
    (payload,) = note.payloads()
    assert payload == note.text().rstrip("\n")
    (code,) = note.codes()
    assert code.error == ERROR_LEVEL.upper()
    assert decode(code) == payload


def test_a_long_visit_is_split_into_numbered_codes_that_decode_in_order() -> None:
    answers = staff_phrases("th")[:14]
    note = build_note(visit("th", answers, kinds=("verified", "machine")), "th", DAY)
    payloads = note.payloads()
    total = len(payloads)
    assert total >= 2
    bodies = []
    for n, (payload, code) in enumerate(zip(payloads, note.codes(), strict=True), 1):
        assert int(code.version) <= MAX_VERSION  # small enough for a phone to read off a screen
        decoded = decode(code)
        assert decoded == payload
        mark, body = decoded.split("\n", 1)
        assert mark == f"{n}/{total}"
        bodies.append(body)
    assert "\n".join(bodies) == note.text().rstrip("\n")  # nothing lost, nothing doubled


def test_an_answer_longer_than_a_code_is_cut_between_words() -> None:
    _, th = staff_phrases("th")[0]
    item = " ".join([th] * 40)  # far more than one code holds
    payloads = split_payloads("header", [item], max_version=6)
    assert len(payloads) > 2
    parts = [p.split("\n", 1)[1] for p in payloads]
    assert parts[0].splitlines()[0] == "header"
    words = [word for part in parts for word in part.split()]
    assert words == ["header", *[th] * 40]  # cut only at spaces: every word whole
    for payload in payloads:
        assert int(qr_code(payload).version) <= 6


def test_a_word_longer_than_a_code_is_never_cut_inside_a_character() -> None:
    _, th = staff_phrases("th")[0]
    word = th.replace(" ", "") * 12  # Thai writes no spaces between words
    payloads = split_payloads("header", [word], max_version=4)
    parts = [p.split("\n", 1)[1] for p in payloads]
    assert "".join(parts).replace("\n", "") == "header" + word
    for part in parts:  # no part begins with a vowel sign or tone mark torn from its consonant
        assert unicodedata.category(part[0]) not in ("Mn", "Mc")
