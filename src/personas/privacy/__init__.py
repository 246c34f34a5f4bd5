"""Detectors of personal and abusive text, and keyed hashing of respondent keys."""
