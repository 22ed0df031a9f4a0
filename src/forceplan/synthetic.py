"""Synthetic scenario generator (placeholder, replaced below)."""
