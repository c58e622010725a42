"""Models of the demo app."""
