"""One use case per CLI verb."""
