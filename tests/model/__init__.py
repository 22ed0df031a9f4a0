"""Tests of forceplan.model."""
