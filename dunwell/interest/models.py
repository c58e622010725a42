"""Models of the interest app."""
