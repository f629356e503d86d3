"""Data files of the variants: the built-in user dictionary, the one-to-many characters."""
