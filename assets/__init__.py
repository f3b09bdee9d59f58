"""Changgu data: phrasebook, glossary, language table and other files loaded with
importlib.resources."""
