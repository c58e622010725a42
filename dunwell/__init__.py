"""Dunwell: a collections CRM for B2B receivables."""
