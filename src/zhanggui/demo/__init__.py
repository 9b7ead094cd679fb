"""Deterministic synthetic demo store."""
