"""Neural machine translation on CTranslate2 (NLLB-200, M2M100, Marian/OPUS-MT packs).

Pack layout and installation: `translate.mt.pack`. Entry points: `MachineTranslator` (the tier the
facade uses), `validate_pack(path)` and `install_pack(source, mt_dir)` (the model manager's).
"""

from translate.mt.engine import MachineTranslator
from translate.mt.pack import Family, PackInfo, find_packs, install_pack, validate_pack

__all__ = ["Family", "MachineTranslator", "PackInfo", "find_packs", "install_pack", "validate_pack"]
