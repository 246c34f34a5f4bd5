"""Group people: per-respondent features, segmentation, stability, per-segment statistics."""
