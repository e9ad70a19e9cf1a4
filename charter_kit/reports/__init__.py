"""CharterDiff -> reports for readers: terminal text, HTML redline, Markdown, JSON, PDF and DOCX.

``registry`` lists the formats and dispatches; ``markdown_text`` turns Markdown edit scripts into
readable runs; ``wording`` holds the French sentences; one module per format writes it.
"""
