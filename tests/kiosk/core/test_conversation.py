"""The rules of a visit, in the counter's real order of events (no Qt, no models: the core's
inputs are the engines' own event types)."""

from __future__ import annotations

from asr.events import Side, Utterance
from kiosk.core import events as core
from kiosk.core.conversation import Conversation
from kiosk.core.events import Activity, CameraState, MicRole, VisitMode
from kiosk.core.session import KO_CAPTIONS, KSL, Session, TurnKind
from sign.events import SignRejected, SignResult
from translate import Candidate, Translation, TranslationKind

OFFERED = ("zh", "vi", "th", "en", "ru")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def counter(clock: Clock | None = None) -> Conversation:
    clock = clock or Clock()
    session = Session(idle_timeout_s=60, clock=clock)
    return Conversation(session, OFFERED, monotonic=clock)


def heard(
    lang: str, text: str, uid: int = 1, final: bool = True, conf: float = 0.95, secs: float = 2.5
) -> Utterance:
    # the recogniser's `side` is its own guess; the core decides (here it is deliberately wrong)
    return Utterance(uid, Side.STAFF, lang, text, final, 0.0, secs, 0.9, conf)


def of(commands: list, kind: type) -> list:
    return [c for c in commands if isinstance(c, kind)]


def test_microphone_opens_before_a_language_is_chosen_and_listens_for_every_offered_one():
    c = counter()
    listen = of(c.start(), core.ListenFor)[0].languages
    assert listen[MicRole.COUNTER] == ("ko", *OFFERED)
    out = c.handle(core.LanguageChosen("en"))
    assert of(out, core.ListenFor)[0].languages[MicRole.COUNTER] == ("ko", "en")


def test_after_choosing_english_english_is_the_visitors_and_korean_the_staffs():
    c = counter()
    c.start()
    c.handle(core.LanguageChosen("en"))
    out = c.handle(core.Heard(heard("en", "How much is the fee?"), "mic"))
    turn = of(out, core.ShowTurn)[-1].turn
    assert turn.side is Side.VISITOR and turn.translated_lang == "ko"
    assert of(out, core.Translate)[0].target_lang == "ko"
    out = c.handle(core.Heard(heard("ko", "천이백 원입니다", uid=2), "mic"))
    turn = of(out, core.ShowTurn)[-1].turn
    assert turn.side is Side.STAFF and turn.translated_lang == "en"


def test_partial_and_final_are_one_turn_and_the_final_decides_the_side():
    c = counter()
    c.handle(core.LanguageChosen("vi"))
    first = of(c.handle(core.Heard(heard("ko", "Phí", final=False), "mic")), core.ShowTurn)
    final = of(c.handle(core.Heard(heard("vi", "Phí là bao nhiêu?"), "mic")), core.ShowTurn)
    assert first[0].turn.turn_id == final[-1].turn.turn_id
    assert final[-1].turn.side is Side.VISITOR and len(c.session.turns) == 1


def test_a_visitor_who_never_chooses_is_recognised_and_their_language_adopted():
    c = counter()
    c.start()
    out = c.handle(core.Heard(heard("en", "I moved here last week", conf=0.9), "mic"))
    assert c.visitor_lang == "en"
    assert of(out, core.LanguageShown)[0].lang == "en"
    assert of(out, core.ListenFor)[0].languages[MicRole.COUNTER] == ("ko", "en")
    assert of(out, core.ShowTurn)[-1].turn.side is Side.VISITOR


def test_an_unsure_or_short_language_is_the_visitors_turn_but_not_adopted():
    c = counter()
    out = c.handle(core.Heard(heard("th", "สวัสดี", conf=0.4), "mic"))
    assert c.visitor_lang is None and of(out, core.ShowTurn)[-1].turn.side is Side.VISITOR
    out = c.handle(core.Heard(heard("ja", "はい", uid=2, conf=0.94, secs=1.0), "mic"))
    assert c.visitor_lang is None and of(out, core.ShowTurn)[-1].turn.side is Side.VISITOR


def test_deaf_visitor_then_new_visit_then_a_speaking_visitor():
    c = counter()
    c.start()
    out = c.handle(core.LanguageChosen(KSL))
    assert c.mode is VisitMode.DEAF and of(out, core.Camera)[0].on
    assert of(out, core.ListenFor)[0].languages[MicRole.COUNTER] == ("ko",)
    caption = of(c.handle(core.Heard(heard("ko", "여기 앉으세요"), "mic")), core.ShowTurn)
    assert caption[-1].turn.side is Side.STAFF and caption[-1].turn.kind is TurnKind.ORIGINAL
    out = c.handle(core.NewVisit())
    assert c.mode is VisitMode.SPOKEN and not of(out, core.Camera)[0].on
    assert of(out, core.ForgetVisit) and c.session.turns == []
    out = c.handle(core.Heard(heard("en", "Where do I pay?"), "mic"))
    assert of(out, core.ShowTurn)[-1].turn.side is Side.VISITOR and c.visitor_lang == "en"


def test_choosing_a_spoken_language_ends_deaf_mode():
    c = counter()
    c.handle(core.LanguageChosen(KSL))
    out = c.handle(core.LanguageChosen("zh"))
    assert c.mode is VisitMode.SPOKEN and not of(out, core.Camera)[0].on


def test_two_microphones_decide_the_side_whatever_the_language():
    c = counter()
    c.handle(core.LanguageChosen("en"))
    out = c.handle(core.Heard(heard("en", "OK", uid=1), "staff-mic", MicRole.STAFF))
    assert of(out, core.ShowTurn)[-1].turn.side is Side.STAFF
    out = c.handle(core.Heard(heard("ko", "감사합니다", uid=1), "visitor-mic", MicRole.VISITOR))
    assert of(out, core.ShowTurn)[-1].turn.side is Side.VISITOR


def test_new_visit_forgets_the_recognisers_and_caches_and_the_language():
    c = counter()
    c.handle(core.LanguageChosen("ru"))
    c.handle(core.Heard(heard("ru", "Привет"), "mic"))
    out = c.handle(core.NewVisit())
    assert of(out, core.ForgetVisit) and of(out, core.VisitEnded)
    assert c.visitor_lang is None and c.session.turns == []


def test_a_visit_where_only_a_language_was_chosen_expires():
    clock = Clock()
    c = counter(clock=clock)
    c.handle(core.LanguageChosen("th"))
    clock.now += 59
    assert c.handle(core.Tick()) == []
    clock.now += 2
    out = c.handle(core.Tick())
    assert of(out, core.VisitEnded)[0].idle and c.visitor_lang is None


def test_an_empty_counter_never_expires():
    clock = Clock()
    c = counter(clock=clock)
    clock.now += 10_000
    assert c.handle(core.Tick()) == []


def test_a_late_translation_of_a_wiped_visit_is_dropped():
    c = counter()
    c.handle(core.LanguageChosen("en"))
    out = c.handle(core.Heard(heard("en", "Hello"), "mic"))
    turn_id = of(out, core.Translate)[0].turn_id
    c.handle(core.NewVisit())
    late = _translation("Hello", "안녕하세요", TranslationKind.VERIFIED, "greet.hello")
    assert c.handle(core.Translated(turn_id, late)) == []


def test_korean_captions_visitor_answers_with_the_talk_button():
    clock = Clock()
    c = counter(clock=clock)
    c.handle(core.LanguageChosen(KO_CAPTIONS))
    assert c.mode is VisitMode.CAPTIONS
    staff = of(c.handle(core.Heard(heard("ko", "성함이 어떻게 되세요?"), "mic")), core.ShowTurn)
    assert staff[-1].turn.side is Side.STAFF and staff[-1].turn.kind is TurnKind.ORIGINAL
    c.handle(core.TalkButton(True))
    out = c.handle(core.Heard(heard("ko", "김영희입니다", uid=2, final=False), "mic"))
    c.handle(core.TalkButton(False))
    clock.now += 0.5  # the final arrives just after the button is let go
    out = c.handle(core.Heard(heard("ko", "김영희입니다", uid=2), "mic"))
    assert of(out, core.ShowTurn)[-1].turn.side is Side.VISITOR
    clock.now += 5
    out = c.handle(core.Heard(heard("ko", "네 확인했습니다", uid=3), "mic"))
    assert of(out, core.ShowTurn)[-1].turn.side is Side.STAFF


def test_visitor_typing_on_the_pad_is_a_visitor_turn_translated_into_korean():
    c = counter()
    c.handle(core.LanguageChosen("vi"))
    out = c.handle(core.Typed("Tôi muốn gia hạn visa", Side.VISITOR))
    assert of(out, core.ShowTurn)[-1].turn.side is Side.VISITOR
    assert of(out, core.Translate)[0].source_lang == "vi"
    c.handle(core.LanguageChosen(KSL))
    out = c.handle(core.Typed("등본 한 통 주세요", Side.VISITOR, "ko"))
    turn = of(out, core.ShowTurn)[-1].turn
    assert turn.side is Side.VISITOR and turn.kind is TurnKind.ORIGINAL


def _translation(
    source: str,
    text: str,
    kind: TranslationKind,
    phrase_id: str | None = None,
    candidates: tuple[Candidate, ...] = (),
    target: str = "ko",
) -> Translation:
    return Translation(
        source, "en", target, text, kind, 0.9, phrase_id, True, candidates=candidates
    )


def _asked(text: str, phrase_id: str, cands: tuple[Candidate, ...]) -> Translation:
    """A near miss: \"Did you mean …?\" with `cands`."""
    return _translation("", text, TranslationKind.CONFIRM, phrase_id, cands)


def test_a_near_miss_is_asked_and_yes_makes_it_a_checked_phrase():
    c = counter()
    c.handle(core.LanguageChosen("en"))
    turn_id = of(c.handle(core.Heard(heard("en", "renew passport"), "mic")), core.Translate)[0]
    cands = (
        Candidate("res.extend_stay", "extend my stay", "체류기간 연장", 0.7, True),
        Candidate("doc.passport", "my passport", "여권", 0.6, True),
    )
    t = _asked("체류기간 연장", "res.extend_stay", cands)
    out = c.handle(core.Translated(turn_id.turn_id, t))
    asked = of(out, core.AskConfirm)
    assert asked and asked[0].turn.kind is TurnKind.CONFIRM
    out = c.handle(core.Confirmed(turn_id.turn_id, "res.extend_stay"))
    turn = of(out, core.ShowTurn)[-1].turn
    assert turn.kind is TurnKind.VERIFIED and turn.translated_text == "체류기간 연장"


def test_no_to_a_near_miss_is_not_translated():
    c = counter()
    c.handle(core.LanguageChosen("en"))
    tr = of(c.handle(core.Heard(heard("en", "fishing licence"), "mic")), core.Translate)[0]
    cands = (Candidate("res.card", "residence card", "외국인등록증", 0.6, True),)
    c.handle(core.Translated(tr.turn_id, _asked("외국인등록증", "res.card", cands)))
    out = c.handle(core.Confirmed(tr.turn_id, None))
    turn = of(out, core.ShowTurn)[-1].turn
    assert turn.kind is TurnKind.NONE and turn.translated_text == ""
    assert turn.candidates == ()  # the only candidate was refused: no alternatives


def test_after_no_the_visitor_may_pick_an_alternative():
    c = counter()
    c.handle(core.LanguageChosen("vi"))
    tr = of(c.handle(core.Heard(heard("vi", "gia hạn hộ chiếu"), "mic")), core.Translate)[0]
    cands = tuple(
        Candidate(f"p.{i}", f"phrase {i}", f"문장 {i}", 0.7 - i / 10, True) for i in range(5)
    )
    c.handle(core.Translated(tr.turn_id, _asked("문장 0", "p.0", cands)))
    turn = of(c.handle(core.Confirmed(tr.turn_id, None)), core.ShowTurn)[-1].turn
    assert [x.phrase_id for x in turn.candidates] == ["p.1", "p.2", "p.3"]  # at most three
    turn = of(c.handle(core.Confirmed(tr.turn_id, "p.2")), core.ShowTurn)[-1].turn
    assert turn.kind is TurnKind.VERIFIED and turn.translated_text == "문장 2"


def test_signs_only_count_in_deaf_mode_and_a_rejected_sign_is_said():
    c = counter()
    sign = SignResult("ambulancia", "구급차", 0.95, (("ambulancia", 0.95),), 0.0, 1.0)
    assert c.handle(core.Signed(sign)) == []  # a stopped camera's late result
    c.handle(core.LanguageChosen(KSL))
    turn = of(c.handle(core.Signed(sign)), core.ShowTurn)[0].turn
    assert turn.lang == KSL and turn.translated_text == "구급차" and turn.side is Side.VISITOR
    assert of(c.handle(core.Signed(SignRejected(0.0, 1.0, (), "far"))), core.SignNotRecognised)


def test_an_unsure_sign_is_a_question_for_staff():
    from sign.events import SignUnsure

    c = counter()
    c.handle(core.LanguageChosen(KSL))
    best = SignResult("dolor", "아파요", 0.6, (("dolor", 0.6), ("doctor", 0.3)), 0.0, 1.0)
    turn = of(c.handle(core.Signed(SignUnsure(best, 0.0, 1.0, "far"))), core.ShowTurn)[0].turn
    assert turn.kind is TurnKind.SIGN_UNSURE and c.sign_results[turn.turn_id] is best
    yes = of(c.handle(core.Confirmed(turn.turn_id, "dolor")), core.ShowTurn)[0].turn
    assert yes.kind is TurnKind.SIGN and yes.translated_text == "아파요"
    other = of(c.handle(core.Signed(SignUnsure(best, 2.0, 3.0, "far"))), core.ShowTurn)[0].turn
    no = of(c.handle(core.Confirmed(other.turn_id, None)), core.ShowTurn)[0].turn
    assert no.kind is TurnKind.NONE and no.translated_text == ""


def test_a_translation_finished_after_new_visit_never_lands_on_the_next_visitors_turn():
    c = counter()
    c.handle(core.LanguageChosen("en"))
    typed = of(c.handle(core.Typed("오늘 받으실 수 있습니다")), core.Translate)[0]
    c.handle(core.NewVisit())
    c.handle(core.LanguageChosen("en"))
    fee = _translation("수수료는 1,200원입니다.", "The fee is 1,200 won.", TranslationKind.VERIFIED)
    reply = of(c.handle(core.PhraseSaid(fee)), core.ShowTurn)[0].turn
    assert reply.turn_id != typed.turn_id  # ids never repeat, across visits too
    late = _translation("", "You can get it today.", TranslationKind.VERIFIED, "doc.today")
    assert c.handle(core.Translated(typed.turn_id, late)) == []
    assert c.handle(core.TranslationFailed(typed.turn_id, "failed")) == []
    assert c.handle(core.Confirmed(typed.turn_id, "doc.today")) == []
    assert [t.translated_text for t in c.session.turns] == ["The fee is 1,200 won."]


def test_turn_ids_never_repeat_across_visits():
    c = counter()
    seen = set()
    for _ in range(3):
        c.handle(core.LanguageChosen("vi"))
        for text in ("Xin chào", "Phí là bao nhiêu?"):
            seen.add(of(c.handle(core.Typed(text, Side.VISITOR)), core.ShowTurn)[0].turn.turn_id)
        c.handle(core.NewVisit())
    assert len(seen) == 6


def test_every_typed_or_heard_text_is_cleaned_before_it_is_shown():
    c = counter()
    c.handle(core.LanguageChosen(KO_CAPTIONS))  # Korean on the pad: no translation step at all
    out = c.handle(core.Typed("등본\u202e 한 통\x00 주세요", Side.VISITOR, "ko"))
    turn = of(out, core.ShowTurn)[-1].turn
    assert turn.text == "등본 한 통 주세요" and turn.translated_text == "등본 한 통 주세요"
    out = c.handle(core.Heard(heard("ko", "네\u200f\x07 알겠습니다"), "mic"))
    assert of(out, core.ShowTurn)[-1].turn.text == "네 알겠습니다"
    assert c.handle(core.Typed("\u202e\x00 ", Side.VISITOR, "ko")) == []  # nothing left to show


def test_a_quick_reply_to_a_korean_reader_is_the_korean_itself():
    c = counter()
    c.handle(core.LanguageChosen(KO_CAPTIONS))
    said = _translation(
        "수수료는 1,200원입니다.",
        "수수료는 1,200원입니다.",
        TranslationKind.VERIFIED,
        "fee.amount",
        target="ko",
    )
    turn = of(c.handle(core.PhraseSaid(said)), core.ShowTurn)[0].turn
    assert turn.kind is TurnKind.ORIGINAL and turn.side is Side.STAFF
    c.handle(core.LanguageChosen("en"))
    said = _translation(
        "수수료는 1,200원입니다.",
        "The fee is 1,200 won.",
        TranslationKind.VERIFIED,
        "fee.amount",
        target="en",
    )
    turn = of(c.handle(core.PhraseSaid(said)), core.ShowTurn)[0].turn
    assert turn.kind is TurnKind.VERIFIED and turn.translated_text == "The fee is 1,200 won."


def test_settings_change_what_the_microphone_listens_for_and_the_idle_timeout():
    clock = Clock()
    c = counter(clock)
    out = c.handle(core.SettingsChanged(("mn", "ne"), True, 10.0))
    assert of(out, core.ListenFor)[0].languages[MicRole.COUNTER] == ("ko", "mn", "ne")
    c.handle(core.LanguageChosen("mn"))
    clock.now += 11
    assert of(c.handle(core.Tick()), core.VisitEnded)


def test_someone_signing_keeps_the_visit_alive():
    clock = Clock()
    c = counter(clock)
    c.handle(core.LanguageChosen(KSL))
    clock.now += 50
    out = c.handle(core.CameraChanged(CameraState.SIGNING))
    assert of(out, core.SetActivity)[0].activity is Activity.RECOGNISING
    clock.now += 50  # 100 s since the language was chosen, 50 s since the signing
    assert c.handle(core.Tick()) == []
    assert of(c.handle(core.CameraChanged(CameraState.WATCHING)), core.SetActivity)


def _nearest(*cands: Candidate) -> Translation:
    return Translation(
        "", "ko", "vi", "", TranslationKind.NONE, 0.0, candidates=cands, nearest=True
    )


def test_staff_words_that_match_nothing_wait_for_staff_to_pick_a_nearest_phrase():
    """Staff's unmatched words are translated as staff's (their side), show nothing to the
    visitor, and one tap on a nearest phrase sends it in their place."""
    c = counter()
    c.handle(core.LanguageChosen("vi"))
    out = c.handle(core.Typed("담당자가 지금 휴가 중이라서요", Side.STAFF, None))
    translate = of(out, core.Translate)[0]
    assert translate.side is Side.STAFF
    plain = Candidate(
        "greet.tomorrow", "내일 다시 와 주세요.", "Vui lòng quay lại ngày mai.", 0.8, True
    )
    out = c.handle(core.Translated(translate.turn_id, _nearest(plain)))
    waiting = of(out, core.ShowTurn)[-1].turn
    assert waiting.awaiting_staff and not of(out, core.Speak) and not of(out, core.AskConfirm)
    out = c.handle(core.Confirmed(translate.turn_id, "greet.tomorrow"))
    sent = of(out, core.ShowTurn)[-1].turn
    assert sent.turn_id == translate.turn_id and sent.kind is TurnKind.VERIFIED
    assert sent.translated_text == "Vui lòng quay lại ngày mai." and not sent.awaiting_staff


def test_a_nearest_phrase_with_an_open_slot_is_rendered_with_staffs_value_in_place():
    c = counter()
    c.handle(core.LanguageChosen("vi"))
    turn_id = of(c.handle(core.Typed("수수료 얘기인데요", Side.STAFF, None)), core.Translate)[
        0
    ].turn_id
    fee = Candidate("fee.amount", "수수료는 …원입니다.", "Lệ phí là … won.", 0.7, True, ("amount",))
    c.handle(core.Translated(turn_id, _nearest(fee)))
    out = c.handle(core.Confirmed(turn_id, "fee.amount", (("amount", "3000"),)))
    assert of(out, core.SayPhrase) == [core.SayPhrase(turn_id, "fee.amount", (("amount", "3000"),))]
    said = Translation(
        "수수료는 3,000원입니다.",
        "ko",
        "vi",
        "Lệ phí là 3.000 won.",
        TranslationKind.VERIFIED,
        1.0,
        "fee.amount",
        True,
    )
    out = c.handle(core.PhraseSaid(said, replaces=turn_id))
    sent = of(out, core.ShowTurn)[-1].turn
    assert sent.turn_id == turn_id and sent.kind is TurnKind.VERIFIED
    assert sent.text == "수수료는 3,000원입니다." and sent.translated_text == "Lệ phí là 3.000 won."
    assert len(c.session.turns) == 1  # the phrase took the place of the unmatched words


def test_a_visitors_words_are_translated_as_the_visitors():
    c = counter()
    c.handle(core.LanguageChosen("en"))
    out = c.handle(core.Heard(heard("en", "Is this free?"), "mic"))
    assert of(out, core.Translate)[0].side is Side.VISITOR
