"""personas: evidence-backed customer personas from raw customer voice and numbers."""

__version__ = "0.1.0"
