"""Pure data, no I/O, no French: the Charter, releases, versions, vocabulary."""
