"""Staff, roles, permissions, API tokens, sessions and the operation log."""
