"""Understand what people said: prepare (clean, redact, split), classify, embed,
discover and label themes."""
