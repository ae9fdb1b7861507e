"""Ingestion: readers turn files into a SourceDocument; extractors turn it into an Extraction."""
