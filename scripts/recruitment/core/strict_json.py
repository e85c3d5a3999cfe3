"""JSON objects read strictly: a key named twice in one object is an error, never a choice.

Every JSON the pipeline reads (descriptor, schemas, the cache entry, a built datapackage.json)
goes through :func:`unique_keys`; it lives here, below the package model and the cache, so
both use it without importing each other.
"""

from __future__ import annotations


class DuplicateKey(ValueError):
    """A JSON object names a key twice: which value counts would depend on the reader."""

    def __init__(self, key: str) -> None:
        super().__init__(f"the key {key[:60]!r} appears twice in one object")
        self.key = key


def unique_keys(pairs: list[tuple[str, object]]) -> dict:
    """``object_pairs_hook`` of every JSON read: a repeated key raises DuplicateKey (Python
    keeps the last value, other readers the first; neither may decide silently)."""
    out: dict = {}
    for key, value in pairs:
        if key in out:
            raise DuplicateKey(key)
        out[key] = value
    return out
