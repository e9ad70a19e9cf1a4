"""Charter x Charter -> CharterDiff, with no French: ``words`` (word-level edit scripts and the
editorial test), ``changes`` (the change model), ``compare`` (``diff()``: matching and reading
order), ``causes`` (why each change happened)."""
