"""The building tier: one inference server for a building's counters (`changgu serve`, on Ray
Serve) and the kiosk's client for it, which falls back to the counter's own engines at once.

`protocol` (the wire formats) and `client`/`breaker`/`tiers` (the kiosk's side) import neither Ray
nor Qt; `server` is the only module that imports Ray.
"""
