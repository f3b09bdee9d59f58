"""How many things an utterance says: its parts.

At a counter people say two things in one breath: "The system is down, could you wait a moment?",
"I stamped it here. You can take it with you." A phrase that carries one of them is at best half a
translation, and the other half may be the point. The matcher verifies a phrase for an utterance
of several parts only when the phrase carries each of them (`PhraseMatcher.covers`); otherwise it
is asked about ("Did you mean …?"), its best phrase first, so a wrong half is never shown as
checked.

A part is what lies between sentence or clause punctuation (and, in Thai and Khmer, which mark
clauses with a space, between spaces), less the greetings, fillers and courtesies that open it
("Hi, um, …", "저기요, …", "สวัสดีค่ะ …"). A part counts when something is left: two words, or in
Chinese and Japanese three characters, in Thai and Khmer four.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

_SPLIT: Final = re.compile(r"[.!?。！？…;；,，、~]+|\s[-–—]\s")
#: languages whose clauses are separated by spaces (no punctuation between them)
_SPACE_CLAUSES: Final = frozenset({"th", "km"})
#: languages written without spaces between words: a part counts by its characters
_MIN_CHARS: Final = {"zh": 3, "ja": 3, "th": 4, "km": 4}
#: openers that say nothing of substance, per language (matched at the start of a part)
_OPENERS: Final[dict[str, str]] = {
    "ko": r"(안녕하세요|안녕하십니까|저기요|저기|저|음|어|아|네|예|감사합니다|실례합니다|"
    r"죄송합니다|"
    r"수고하십니다|여보세요)",
    "en": r"(hi|hello|hey|um+|uh+|er+|erm|excuse me|sorry|good (morning|afternoon|evening)|"
    r"thanks|thank you|ok|okay|so|well|yes|no|please|right)",
    "zh": r"(你好|您好|那个|这个那个|请问|嗯|呃|谢谢|不好意思|对不起|麻烦一下)",
    "ja": r"(すみません|こんにちは|あの|あのう|ええと|えっと|えーと|ありがとうございます|"
    r"お願いします)",
    "th": r"(สวัสดี|ขอโทษ|ขอบคุณ|เอ่อ|คือ)(ครับ|ค่ะ|คะ|นะ|จ้ะ)*",
    "vi": r"((xin )?chào( anh| chị| em| bạn| cô| chú| ạ)*|dạ|vâng|cảm ơn( anh| chị| ạ)*|"
    r"xin lỗi( anh| chị| ạ)*|ừm|à)",
    "uz": r"(assalomu alaykum|salom|kechirasiz|rahmat|uzr)",
    "ru": r"(здравствуйте|привет|извините|простите|спасибо|добрый (день|вечер)|доброе утро|"
    r"ну|э+|а+)",
    "mn": r"(сайн байна уу|сайн уу|уучлаарай|баярлалаа|за)",
    "ne": r"(नमस्ते|नमस्कार|धन्यवाद|माफ गर्नुहोस्)",
    "km": r"(ជម្រាបសួរ|សួស្តី|អរគុណ|សុំទោស)(បាទ|ចាស|ណា)*",
    "tl": r"(magandang (umaga|hapon|gabi|araw)|salamat|pasensya na|excuse me|ah+|eh+)( po)?",
    "id": r"(permisi|halo|selamat (pagi|siang|sore|malam)|maaf|terima kasih|eh+|anu)",
}
_COMPILED: Final = {
    lang: re.compile(rf"^(\s*{pattern}\s*)+", re.IGNORECASE) for lang, pattern in _OPENERS.items()
}


def parts(text: str, lang: str) -> list[str]:
    """The parts of `text` (in `lang`) that say something (see the module's docstring)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = folded.replace("\u0e4d\u0e32", "\u0e33")  # Thai sara am, split by NFKC
    pieces = _SPLIT.split(folded)
    if lang in _SPACE_CLAUSES:
        pieces = [word for piece in pieces for word in piece.split()]
    opener = _COMPILED.get(lang)
    found = []
    for piece in pieces:
        rest = piece.strip()
        if opener is not None:
            rest = opener.sub("", rest).strip()
        if _says_something(rest, lang):
            found.append(rest)
    return found


#: where a sentence ends (the punctuation stays with the sentence it ends)
_SENTENCE_END: Final = re.compile(r"(?<=[.!?。！？…~])(?![.!?。！？…~])\s*")


def without_afterthoughts(text: str, lang: str) -> str:
    """`text` less the sentences after its last that says something: "임대차 계약서 가지고
    오셨어요? 원본으로요." asks, as "… 오셨어요?" does; "서명해 주세요. 감사합니다." asks for a
    signature. The whole text when every sentence says something, or none does."""
    sentences = [s for s in _SENTENCE_END.split(text.strip()) if s]
    while sentences and not parts(sentences[-1], lang):
        sentences.pop()
    return " ".join(sentences) if sentences else text


def several(text: str, lang: str) -> bool:
    """Whether `text` says more than one thing."""
    return len(parts(text, lang)) > 1


def _says_something(part: str, lang: str) -> bool:
    if lang in _MIN_CHARS:
        letters = [ch for ch in part if unicodedata.category(ch)[0] in ("L", "N")]
        return len(letters) >= _MIN_CHARS[lang]
    return len(part.split()) >= 2
