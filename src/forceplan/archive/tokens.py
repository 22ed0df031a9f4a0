"""API tokens: 32 random bytes shown once, stored only as a SHA-256 hash."""

from __future__ import annotations

import hashlib
import secrets

PREFIX = "fp_"
"""Every token starts with this, so a leaked one is recognisable in logs and scanners."""


def new_token() -> str:
    """A fresh token: ``fp_`` and 43 URL-safe characters (32 random bytes)."""
    return PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """SHA-256 hex digest of *token*.

    A random 256-bit token cannot be guessed, so a fast hash is as strong as a slow
    one here (no dictionary to attack); the database never holds the token itself.
    """
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def shown_prefix(token: str) -> str:
    """The first characters of a token, kept to tell tokens apart in listings."""
    return token[: len(PREFIX) + 6]
