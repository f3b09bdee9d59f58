"""Sign-language data: the vocabulary pack format and the bundled demo pack (see README.md)."""
