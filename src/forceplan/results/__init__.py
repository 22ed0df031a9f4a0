"""Plan results: tables, run folder contract, explanations."""
