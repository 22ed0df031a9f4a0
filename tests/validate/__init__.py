"""Tests of scenario validation."""
