"""Entry point of the packaged (PyInstaller) build: the same `changgu` command as the wheel's."""

import sys

if __name__ == "__main__":
    if sys.argv[1:2] == ["__mic_worker__"]:  # asr.audio.MIC_WORKER_ARG: a microphone's process
        from asr.mic_worker import main as mic_worker

        sys.exit(mic_worker(sys.argv[2:]))
    from kiosk.cli import main

    sys.exit(main())
