"""Models of the ladder app."""
