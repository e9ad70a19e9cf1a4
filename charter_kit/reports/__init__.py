"""CharterDiff -> text, HTML, Markdown, JSON, PDF and DOCX reports."""
