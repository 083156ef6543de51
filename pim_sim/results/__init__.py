"""Tables and metrics computed from a run's record streams (pandas frames, built when read)."""
