"""Runtime hook of the packaged build, run before any of Changgu's code.

`mediapipe.solutions` imports `matplotlib.pyplot` at import time, only for its 3-D plotting helper
(`drawing_utils.plot_landmarks`), which Changgu never calls. The bundle leaves matplotlib out
(~80 MB with its font tools and image libraries); this stand-in lets the import succeed and fails
with a plain message if anything ever does use it.
"""

import sys
import types


class _Absent(types.ModuleType):
    def __getattr__(self, name: str) -> object:
        if name.startswith("__"):
            raise AttributeError(name)
        raise AttributeError(
            f"matplotlib.{name}: matplotlib is not part of the packaged Changgu (plotting only)"
        )


if "matplotlib" not in sys.modules:
    _matplotlib = _Absent("matplotlib")
    _pyplot = _Absent("matplotlib.pyplot")
    _matplotlib.__path__ = []  # a package, so `import matplotlib.pyplot` resolves
    _matplotlib.pyplot = _pyplot
    sys.modules["matplotlib"] = _matplotlib
    sys.modules["matplotlib.pyplot"] = _pyplot


# sounddevice finds PortAudio with ctypes.util.find_library, which reads the ld.so cache. Right
# after `apt install`, the installer's self-test runs before dpkg refreshes that cache, so a freshly
# installed libportaudio2 is not listed yet: fall back to loading it by its soname, then to the
# copy in the bundle.
def _patch_find_library() -> None:
    import ctypes
    import ctypes.util
    import os

    original = ctypes.util.find_library

    def find_library(name: str) -> str | None:
        found = original(name)
        if found is not None or name != "portaudio":
            return found
        for candidate in (
            "libportaudio.so.2",
            os.path.join(getattr(sys, "_MEIPASS", ""), "libportaudio.so.2"),
        ):
            try:
                ctypes.CDLL(candidate)
            except OSError:
                continue
            return candidate
        return None

    ctypes.util.find_library = find_library


if sys.platform.startswith("linux"):
    _patch_find_library()
