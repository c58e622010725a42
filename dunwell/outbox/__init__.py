"""Business events written in the same transaction as the change that causes them; the
webhooks app delivers them. The lowest app: every other app may emit, it imports none of them."""
