"""Webhook subscriptions and deliveries (docs/integrations.md)."""
