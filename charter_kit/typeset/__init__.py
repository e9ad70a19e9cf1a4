"""Typesetting with Typst, for every PDF: Markdown as inert data (``markup``), the engine (``engine``)."""
