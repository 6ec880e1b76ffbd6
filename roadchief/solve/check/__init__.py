"""The independent checker: re-verify a roster's hard rules and recompute its objective, without ortools."""
