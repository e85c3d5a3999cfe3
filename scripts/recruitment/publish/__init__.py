"""Publish stage of the pipeline."""
