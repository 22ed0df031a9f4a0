"""Tests of forceplan.solve."""
