"""Charter -> files: the employee site, the PDF annex, Markdown."""
