"""What kind of sentence an utterance or a phrase is: a question, a request or a statement.

"Do I need a reservation?" and "I have a reservation." share their words and sit side by side in any
sentence embedding, yet one asks and the other tells. The matcher verifies a phrase only when the
utterance's mood agrees with the phrase's (`agrees`); otherwise the phrase can at most be asked
about ("Did you mean …?").

A phrase's mood is read from its English wording (the reviewed one): "?" makes a question, "Please
…", "Could you …", "I want/need/would like …" a request, anything else a statement. An entry may
say so itself (`mood = "question"` in the phrasebook). An utterance is a question when it ends with
a question mark (speech recognition writes one), or when it uses one of the language's question
markers (吗, か, ไหม, không, ли, -mi, уу/юу, ба, apakah, …); it is a request when it uses the
language's request words (please, 주세요, 请, ください, ขอ, xin, пожалуйста, iltimos, …).

People at a counter often tell, then ask for help in the same breath: "I lost my card, what should
I do?" The trailing "what should I do?" (`_HELP_TAGS`) asks nothing of its own, so such an
utterance has both moods (`utterance_moods`): the question, and the statement before it.

A question also asks for something: a place, a time, a reason, a person (`asked_for`). "Where do I
pay?" is no answer to "What do I have to pay for this?": a phrase that asks for one of these is
verified only for a question that asks for it too (else it is asked about).

Agreement is deliberately loose where people are: a request may be worded as a question ("Could you
write it down?") or a statement ("I want to pay by card"), so a request agrees with anything; what
never agrees is a question with a statement of fact, either way round.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum
from typing import Final

from translate.clauses import without_afterthoughts


class Mood(StrEnum):
    QUESTION = "question"
    REQUEST = "request"
    STATEMENT = "statement"


_QUESTION_MARKS: Final = ("?", "？", ";")  # ";" is the Greek question mark, kept for safety
#: Words or endings that make a sentence a question without a question mark, per language. A
#: pattern is searched in the casefolded sentence without its final punctuation.
_QUESTION_CUES: Final[dict[str, str]] = {
    "ko": r"(까|나요|는지요|을까요|ㄹ까요|습니까|입니까|한가요|인가요|는가요|은가요|던가요)$|"
    r"(어디|언제|얼마|몇|뭐|무엇|무슨|왜|어떻게|누구|되나|있나)",
    "en": r"^(do|does|did|is|are|am|was|were|can|could|will|would|should|shall|may|"
    r"where|when|what|which|who|whom|whose|why|how)\b",
    "zh": r"(吗|嗎|呢|多少|几|哪|什么|怎么|为什么|是否|能不能|可不可以|有没有|要不要)",
    "ja": r"(か|かな|の|ですか|ますか|どれ|だれ|誰)$|(どこ|いつ|いくら|何|なぜ|どう|どうやって)",
    "th": r"(ไหม|มั้ย|เหรอ|หรอ|หรือเปล่า|หรือไม่|อะไร|ไหน|เมื่อไร|เมื่อไหร่|เท่าไร|เท่าไหร่|กี่|ยังไง|"
    r"อย่างไร|ทำไม|ใคร|ได้หรือ)",
    "vi": r"(không|chưa|chăng|hả|à|ạ không)$|(bao nhiêu|bao lâu|ở đâu|đâu|khi nào|bao giờ|"
    r"gì|nào|mấy|tại sao|vì sao|thế nào|như thế nào|có phải)",
    "uz": r"(mi|mikan|chi|qayer|qachon|qancha|nima|nega|qanday|qaysi|kim|necha)\b",
    "ru": r"(\bли\b|\bгде\b|\bкогда\b|\bсколько\b|\bчто\b|\bпочему\b|\bзачем\b|\bкак\b|\bкакой|"
    r"\bкакая|\bкакие|\bкуда\b|\bоткуда\b|\bкто\b|\bнужно ли\b)",
    "mn": r"(уу|үү|юу|юү|вэ|бэ|хаана|хэзээ|хэд|яаж|юу|хэн|яагаад|ямар|аль)\b",
    "ne": r"(\bके\b|कहाँ|कहिले|कति|किन|कसरी|कुन|को हो|छ\s*\?|हो\s*\?|सकिन्छ\s*\?)",
    "km": r"(ទេ$|ឬទេ|ឬអត់|អត់$|ប៉ុន្មាន|នៅឯណា|នៅណា|ណា|អ្វី|ពេលណា|ហេតុអ្វី|យ៉ាងម៉េច|ម៉េច|ដែរឬទេ|បានទេ)",
    "tl": r"(\bba\b|\bsaan\b|\bkailan\b|\bmagkano\b|\bano\b|\bbakit\b|\bpaano\b|\bsino\b|"
    r"\bilan\b|\bpuwede\b|\bpwede\b|\bmay\b.*\bba\b)",
    "id": r"(\bapakah\b|\bapa\b|\bdi mana\b|\bdimana\b|\bkapan\b|\bberapa\b|\bmengapa\b|"
    r"\bkenapa\b|\bbagaimana\b|\bsiapa\b|\bbisakah\b|\bbolehkah\b|\bkah\b)",
}
#: Words that ask someone to do something ("please", 주세요): a request, even as a question.
_ASK_CUES: Final[dict[str, str]] = {
    "ko": r"(주세요|주십시오|주시겠|주실|부탁)",
    "en": r"(\bplease\b|^could you\b|^can you\b|^would you\b|^will you\b|\blet me\b)",
    "zh": r"(请|麻烦|帮我|能不能帮)",
    "ja": r"(ください|下さい|お願い|てもらえ|ていただけ)",
    "th": r"(กรุณา|โปรด|ขอ|ช่วย)",
    "vi": r"(\bxin\b|\bvui lòng\b|\blàm ơn\b|\bgiúp\b|\bhãy\b)",
    "uz": r"(iltimos|bering|qiling|yordam)",
    "ru": r"(пожалуйста|\bпомогите\b|\bдайте\b|\bскажите\b)",
    "mn": r"(өгнө үү|туслаач|өгөөч|гуйя)",
    "ne": r"(कृपया|दिनुहोस्|गर्नुहोस्)",
    "km": r"(សូម|ជួយ)",
    "tl": r"(\bpaki|\bpakiusap\b|\btulungan\b)",
    "id": r"(\btolong\b|\bmohon\b|\bsilakan\b)",
}
#: Words that state a want or a need ("I want to", 싶어요): a request unless asked as a question
#: ("Do I need a reservation?" asks).
_WANT_CUES: Final[dict[str, str]] = {
    "ko": r"(싶어요|싶습니다|싶은데|하려고|려고요|려고 왔|필요해요|필요합니다)",
    "en": r"(\bi want\b|\bi would like\b|\bi'd like\b|\bi need\b|\bi'm here to\b|\bi came to\b)",
    "zh": r"(我想|我要|我需要|想要)",
    "ja": r"(たい)",
    "th": r"(อยาก|ต้องการ)",
    "vi": r"(\bmuốn\b|\bcần\b)",
    "uz": r"(istayman|kerak)",
    "ru": r"(\bхочу\b|\bхотел|\bнужн)",
    "mn": r"(хүсч|хүсэж|хэрэгтэй)",
    "ne": r"(चाहन्छु|चाहियो)",
    "km": r"(ចង់|ត្រូវការ)",
    "tl": r"(\bgusto\b|\bkailangan\b)",
    "id": r"(\bingin\b|\bmau\b|\bperlu\b|\bbutuh\b)",
}
#: A closing plea for help after telling what happened ("…, what should I do?", "…어떡하죠?"),
#: matched at the end of the casefolded utterance without its final punctuation.
_HELP_TAGS: Final[dict[str, str]] = {
    "ko": r"(어떡하죠|어떡해요|어떡하나요|어떻게 해야 (돼요|되나요|하나요|하죠|할까요)|"
    r"어떻게 하면 (돼요|되나요|될까요)|어떻게 해요)$",
    "en": r"(what (should|do|can|must) i do( now)?|what do i (need|have) to do( now)?|"
    r"what now|what can be done|can you help( me)?)$",
    "zh": r"(怎么办[啊呢呀]?|该怎么做[啊呢]?|我该怎么办[啊呢]?|怎么弄[啊呢]?)$",
    "ja": r"(どうしたらいいですか|どうすればいいですか|どうしたらいい|どうすればいい|どうしよう)$",
    "th": r"(ต้องทำยังไง|ทำยังไงดี|ต้องทำอย่างไร|ทำอย่างไรดี)(ครับ|คะ|ค่ะ|ดี)*$",
    "vi": r"((tôi|em|mình|con) )?(phải|nên|cần) làm (gì|sao|thế nào)( ạ| vậy| bây giờ)*$|"
    r"làm sao bây giờ( ạ)?$",
    "uz": r"((endi )?nima qilishim kerak|nima qilay|qanday qilay|nima qilsam bo'ladi)$",
    "ru": r"(что (же )?(мне )?(теперь )?делать|как (мне )?быть)$",
    "mn": r"(яах вэ|яах ёстой вэ|юу хийх вэ|яана аа)$",
    "ne": r"(के गर्नुपर्छ|के गर्ने|कसरी गर्ने|अब के गर्ने)$",
    "km": r"(ត្រូវធ្វើយ៉ាងម៉េច|ធ្វើយ៉ាងម៉េច|ធ្វើម៉េច|ត្រូវធ្វើអ្វី)(ដែរ|ទៅ|បាន)*$",
    "tl": r"(ano (po )?(ang )?(dapat )?(kong )?gagawin( ko)?|"
    r"paano (po )?(na )?(ito|iyan|yan))( po)?$",
    "id": r"((saya )?harus bagaimana( ya)?|bagaimana (ini|ya)|gimana( ya| dong)?|"
    r"saya harus apa( ya)?)$",
}
#: What a question asks for, by the words that ask it, per language: a place, a time, a reason
#: or a person. Searched in the casefolded text.
_ASKED_FOR: Final[dict[str, dict[str, str]]] = {
    "where": {
        "ko": r"어디|어느 쪽|어느 창구|몇 층|몇층",
        "en": r"\bwhere\b|\bwhich (floor|counter|window|desk|building|office)\b",
        "zh": r"哪里|哪儿|在哪|什么地方|几楼|哪个窗口|哪个柜台",
        "ja": r"どこ|何階|どちら",
        "th": r"ที่ไหน|ตรงไหน|ชั้นไหน|ช่องไหน",
        "vi": r"ở đâu|\bđâu\b|tầng mấy|quầy nào|chỗ nào",
        "uz": r"qayer|qaysi qavat|qaysi xona|qaysi oyna",
        "ru": r"\bгде\b|\bкуда\b|\bоткуда\b|какой этаж|каком этаже|какое окно|каком окне",
        "mn": r"хаана|хаашаа|хаанаас|хэдэн давхар|аль цонх",
        "ne": r"कहाँ|कुन तल्ला|कुन काउन्टर",
        "km": r"នៅឯណា|នៅណា|ឯណា|ជាន់ណា|ទីណា",
        "tl": r"\bsaan\b|anong palapag|aling counter",
        "id": r"di ?mana|ke ?mana|dari ?mana|lantai berapa|loket (mana|berapa)",
    },
    "when": {
        "ko": r"언제|몇 시|몇시|며칠에|무슨 요일",
        "en": r"\bwhen\b|\bwhat time\b|\bwhat day\b|\bby when\b|\buntil when\b",
        "zh": r"什么时候|几点|哪天|几号|何时",
        "ja": r"いつ|何時|何日|何曜日",
        "th": r"เมื่อไร|เมื่อไหร่|กี่โมง|วันไหน|วันที่เท่า",
        "vi": r"khi nào|bao giờ|mấy giờ|ngày nào|hôm nào",
        "uz": r"qachon|soat nech",
        "ru": r"\bкогда\b|во сколько|до скольки|какого числа",
        "mn": r"хэзээ|хэдэн цаг|хэдний өдөр",
        "ne": r"कहिले|कति बजे",
        "km": r"ពេលណា|ម៉ោងប៉ុន្មាន|ថ្ងៃណា|នៅពេលណា",
        "tl": r"\bkailan\b|anong oras|anong araw",
        "id": r"\bkapan\b|jam berapa|tanggal berapa|hari apa",
    },
    "why": {
        "ko": r"왜|어째서",
        "en": r"\bwhy\b|\bwhat for\b",
        "zh": r"为什么|为啥|干嘛",
        "ja": r"なぜ|どうして|なんで",
        "th": r"ทำไม",
        "vi": r"tại sao|vì sao|sao lại",
        "uz": r"\bnega\b|nima uchun|nimaga",
        "ru": r"почему|зачем",
        "mn": r"яагаад|юунд",
        "ne": r"किन",
        "km": r"ហេតុអ្វី|ហេតុអី|ម៉េចបាន",
        "tl": r"\bbakit\b",
        "id": r"kenapa|mengapa",
    },
    "who": {
        "ko": r"누구|누가",
        "en": r"\bwho\b|\bwhom\b|\bwhose\b",
        "zh": r"谁",
        "ja": r"誰|だれ|どなた",
        "th": r"ใคร",
        "vi": r"\bai\b",
        "uz": r"\bkim",
        "ru": r"\bкто\b|\bкого\b|\bкому\b|\bчей\b|\bчья\b|\bчьи\b",
        "mn": r"\bхэн",
        "ne": r"कसले|कसको|को हो",
        "km": r"នរណា|អ្នកណា",
        "tl": r"\bsino\b|\bkanino\b",
        "id": r"siapa",
    },
}
_PHRASE_REQUEST = re.compile(
    r"^(please|could you|can you|would you|will you|let me)\b|\b(i want|i would like|i'd like|"
    r"i need|i'm here to|i came to)\b|\bplease\b",
    re.IGNORECASE,
)
_COMPILED_Q = {lang: re.compile(p) for lang, p in _QUESTION_CUES.items()}
_COMPILED_ASK = {lang: re.compile(p) for lang, p in _ASK_CUES.items()}
_COMPILED_WANT = {lang: re.compile(p) for lang, p in _WANT_CUES.items()}
_COMPILED_HELP = {lang: re.compile(p) for lang, p in _HELP_TAGS.items()}
_COMPILED_ASKED_FOR = {
    lang: {what: re.compile(table[lang]) for what, table in _ASKED_FOR.items()}
    for lang in _ASKED_FOR["where"]
}
_TELL_END = " .。!！?？…~,，、"


def phrase_mood(english: str, declared: str | None = None) -> Mood:
    """A phrase's mood, from its English wording (or the mood its entry declares)."""
    if declared:
        return Mood(declared)
    text = english.strip()
    if text.endswith("?"):
        return Mood.REQUEST if _asks_to_do(text) else Mood.QUESTION
    if _PHRASE_REQUEST.search(text):
        return Mood.REQUEST
    return Mood.STATEMENT


def utterance_mood(text: str, lang: str) -> Mood:
    """The mood of what someone said in `lang` (see the module's docstring)."""
    folded = _fold(text)
    asked = folded.endswith(_QUESTION_MARKS)
    bare = folded.rstrip(" .。!！?？…~")
    if not asked:
        cue = _COMPILED_Q.get(lang)
        asked = cue is not None and cue.search(bare) is not None
    if _cue(_COMPILED_ASK, lang, bare) or (not asked and _cue(_COMPILED_WANT, lang, bare)):
        return Mood.REQUEST
    return Mood.QUESTION if asked else Mood.STATEMENT


def utterance_moods(text: str, lang: str) -> frozenset[Mood]:
    """The moods of what someone said: its own (`utterance_mood`) and, when it ends with a plea
    for help after telling something ("I lost my card, what should I do?"), the mood of what it
    tells. Afterthoughts that end it and say nothing of substance ("… 가져오셨어요? 원본으로요.")
    do not set its mood (`clauses.without_afterthoughts`)."""
    text = without_afterthoughts(text, lang)
    moods = {utterance_mood(text, lang)}
    help_tag = _COMPILED_HELP.get(lang)
    if help_tag is not None:
        folded = _fold(text).rstrip(" .。!！?？…~")
        found = help_tag.search(folded)
        told = folded[: found.start()].rstrip(_TELL_END) if found else ""
        if found and len(told) >= 2:
            moods.add(utterance_mood(told, lang))
    return frozenset(moods)


def asked_for(text: str, lang: str) -> frozenset[str]:
    """What `text` (in `lang`) asks for: "where", "when", "why", "who" (none for a yes/no
    question or one that asks what or how)."""
    folded = _fold(text)
    table = _COMPILED_ASKED_FOR.get(lang, {})
    return frozenset(what for what, pattern in table.items() if pattern.search(folded))


def _fold(text: str) -> str:
    """Casefolded NFKC text; Thai and Lao sara am, which NFKC splits in two, made whole again
    (the cues are written with it: ทำ, ยังไง)."""
    folded = unicodedata.normalize("NFKC", text).casefold().strip()
    return folded.replace("\u0e4d\u0e32", "\u0e33").replace("\u0ecd\u0eb2", "\u0eb3")


def _cue(table: dict[str, re.Pattern[str]], lang: str, text: str) -> bool:
    pattern = table.get(lang)
    return pattern is not None and pattern.search(text) is not None


def agrees(utterance: Mood, phrase: Mood) -> bool:
    """Whether an utterance of one mood may be verified as a phrase of another: anything goes
    with a request; a question never goes with a statement of fact."""
    return utterance is phrase or Mood.REQUEST in (utterance, phrase)


def _asks_to_do(text: str) -> bool:
    """'Could you write it down?' asks someone to do something; 'Can I pay by card?' asks."""
    return re.match(r"(could|can|would|will) you\b|please\b", text, re.IGNORECASE) is not None
