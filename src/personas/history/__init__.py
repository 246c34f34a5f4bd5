"""Personas over time: baseline carry-over, diffs between builds, trends within one build."""
