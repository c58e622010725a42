"""Models of the insight app."""
