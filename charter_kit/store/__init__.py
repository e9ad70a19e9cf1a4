"""releases/ on disk: the only writer of releases, and their verification."""
