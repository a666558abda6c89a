"""Shared by every part: the item schema, problems, the build cache, worker processes, the 工作日 calendar, the HTML allowlist."""
