"""Turn segments into personas: claims with evidence, traits, names, the document, its quality."""
