"""Words and formats per language (French first): dates, lists, labels, page sentences."""
