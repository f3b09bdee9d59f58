"""Sign language: camera frames in, recognised signs (as Korean text) out.

The pipeline, one stage per module::

    frames (CameraSource / VideoFileSource; LatestFrameReader drops the frames the CPU cannot
    keep up with)
      -> holistic (MediaPipe Holistic -> Landmarks, one handedness convention)
      -> features (body-relative hands, hand shape, velocities)
      -> segmentation (a hand rises into the signing space … until it rests or leaves)
      -> templates / classifier / fingerspelling (enrolled takes by DTW, a small trained classifier,
         static hand shapes for the manual alphabet)
      -> SignResult / SignRejected events

`SignStream` runs segmentation and recognition on landmarks; `SignPipeline` runs the whole chain
on one worker thread for the kiosk. Vocabularies (glosses with Korean text and enrolled takes)
live in `vocabulary` packs kept in a `VocabularyStore`.

Handedness convention: `Landmarks.left_hand` is the signer's own left hand, as MediaPipe
Holistic's legacy solution reports it on the un-mirrored camera image (never flip frames before
landmarking). The MSL-150 keypoint arrays use the same convention (checked against their source
videos).
"""

from __future__ import annotations

from sign.errors import CameraError, SignError, VideoError, VocabularyError
from sign.events import ResultKind, SignEvent, SignRejected, SignResult, Status
from sign.landmarks import Landmarks, LandmarkSequence
from sign.stream import SignStream, SignStreamConfig
from sign.vocabulary import Gloss, SignVocabulary, Take

__all__ = [
    "CameraError",
    "Gloss",
    "LandmarkSequence",
    "Landmarks",
    "ResultKind",
    "SignError",
    "SignEvent",
    "SignRejected",
    "SignResult",
    "SignStream",
    "SignStreamConfig",
    "SignVocabulary",
    "Status",
    "Take",
    "VideoError",
    "VocabularyError",
]
