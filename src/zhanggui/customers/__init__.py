"""Customers, their addresses and tags; personal data masked for roles without access."""
