"""Models of the work app."""
