"""The Changgu application: the conversation core, the runtime that drives it from Qt, setup
(models, settings, paths, logs), the CLI, the demo and the screens."""

import os

# Before any engine imports ONNX Runtime: it would write a device id and queued telemetry under
# ~/.cache/Microsoft (the engine packages set it too, for use without the kiosk).
os.environ["ORT_DISABLE_TELEMETRY"] = "1"
