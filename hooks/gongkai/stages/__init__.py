"""The build pipeline stages: load → validate → model → derive → render → index → write."""
