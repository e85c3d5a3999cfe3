"""The core model: the package, its resources and schemas, their DuckDB form, the package at
a ref, and the signed validation cache. It imports no stage of the pipeline."""
