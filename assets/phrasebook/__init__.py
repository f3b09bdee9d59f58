"""Phrasebook topic files (TOML, one entry per phrase)."""
