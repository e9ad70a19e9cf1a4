"""Charter x Charter -> CharterDiff: word changes, clause matching, causes."""
