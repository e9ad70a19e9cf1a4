"""charter.yml + modules/ -> Charter: YAML loading, profile, library, clauses, resolution, rendering."""
