"""The output folder: its file names, writers, readers, the report, the bundle, reuse and audit."""
