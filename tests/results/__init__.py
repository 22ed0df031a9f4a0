"""Tests of plan results: comparison."""
