"""Curate stage of the pipeline."""
