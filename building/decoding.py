"""How the building server decodes: exactly as a counter decodes its finals, so a final is the
same wherever it was decoded (only a larger model, if the server has one, changes it)."""

from __future__ import annotations

from dataclasses import replace

from asr.streaming import FINAL_DECODE

# the hint comes with each request (`prompt`, `prompt_language`), never from the server
SERVER_DECODE = replace(FINAL_DECODE, initial_prompt=None, prompt_lang=None)
