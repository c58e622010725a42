"""The REST API under /api/v1/: tokens, push, read (docs/integrations.md)."""
