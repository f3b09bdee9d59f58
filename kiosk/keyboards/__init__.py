"""On-screen keyboards for the visitor's writing pad, in every script the kiosk offers: layouts
as data (`assets/keyboards/`), labels in each visitor language, and the composers that turn key
presses into text (Telex for Vietnamese, pinyin to hanzi, kana to kanji). No Qt: the pad shows
them.

    layouts = layouts_for("vi")             # [Vietnamese (Telex), Latin]
    composer = composer_for(layouts[0])     # a TelexComposer
    for key in "leej":
        composer.press(key)
    composer.composing                      # "lệ"
    labels_for("vi").send                   # "Gửi"
"""

from kiosk.keyboards.composer import (
    CandidateComposer,
    Composer,
    PlainComposer,
    composer_for,
    preload,
)
from kiosk.keyboards.labels import Labels, labels_for
from kiosk.keyboards.layout import (
    ComposerKind,
    Key,
    Layout,
    LayoutError,
    Level,
    layout,
    layouts_for,
)

__all__ = [
    "CandidateComposer",
    "Composer",
    "ComposerKind",
    "Key",
    "Labels",
    "Layout",
    "LayoutError",
    "Level",
    "PlainComposer",
    "composer_for",
    "labels_for",
    "layout",
    "layouts_for",
    "preload",
]
