"""Review stage of the pipeline."""
