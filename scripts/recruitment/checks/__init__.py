"""Checks stage of the pipeline."""
