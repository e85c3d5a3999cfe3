"""Limits on what the pipeline accepts, in one place."""

from __future__ import annotations

SEED_MAX_BYTES = 8 * 1024 * 1024
"""Largest seed article ``recruitment add-source`` copies into seeds/ (8 MiB): a news article
is a few kilobytes, so anything near this is not an article."""
