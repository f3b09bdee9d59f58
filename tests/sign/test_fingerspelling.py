"""Static hand shapes on the SILFA photos (stand-ins for 지문자 letters: the same mechanism)."""

from __future__ import annotations

from sign.events import ResultKind, SignRejected, SignResult
from sign.landmarks import Landmarks, LandmarkSequence
from sign.msl import held
from sign.pipeline import recognise_landmarks
from sign.stream import Mode, SignStream, SignStreamConfig
from sign.vocabulary import Gloss, SignVocabulary


def letter_vocabulary(photos: dict[str, list[Landmarks]], use: slice) -> SignVocabulary:
    vocab = SignVocabulary(name="letters")
    for letter, frames in photos.items():
        vocab.add_gloss(Gloss(letter, letter, None, ResultKind.LETTER))
        for frame in frames[use]:
            if frame.has_hands:
                vocab.add_take(letter, "silfa", LandmarkSequence.from_frames([frame]))
    return vocab


def test_enrolled_letters_recognised_on_other_photos(
    silfa_landmarks: dict[str, list[Landmarks]],
) -> None:
    vocab = letter_vocabulary(silfa_landmarks, slice(0, 2))
    stream = SignStream(vocab, SignStreamConfig(mode=Mode.SPELLING))
    tested = correct = 0
    for letter, frames in silfa_landmarks.items():
        for frame in frames[2:]:
            if not frame.has_hands:
                continue
            events = recognise_landmarks(held(frame, 1.0), stream)
            tested += 1
            assert len(events) == 1, (letter, events)  # one hold, one letter
            event = events[0]
            if isinstance(event, SignResult):
                assert event.kind is ResultKind.LETTER
                correct += event.gloss == letter
    assert tested >= 8
    assert correct / tested >= 0.75, f"{correct}/{tested}"


def test_a_held_hand_shape_is_not_a_sign(
    silfa_landmarks: dict[str, list[Landmarks]], msl_vocabulary: SignVocabulary
) -> None:
    """A person holding a hand up without signing: no result in sign mode."""
    stream = SignStream(msl_vocabulary)
    for frames in silfa_landmarks.values():
        frame = next(f for f in frames if f.has_hands)
        assert recognise_landmarks(held(frame, 2.0), stream) == []


def test_unknown_shape_rejected(silfa_landmarks: dict[str, list[Landmarks]]) -> None:
    only_a = {"A": silfa_landmarks["A"]}
    stream = SignStream(
        letter_vocabulary(only_a, slice(0, 4)), SignStreamConfig(mode=Mode.SPELLING)
    )
    frame = next(f for f in silfa_landmarks["B"] if f.has_hands)
    events = recognise_landmarks(held(frame, 1.0), stream)
    assert len(events) == 1 and isinstance(events[0], SignRejected)
