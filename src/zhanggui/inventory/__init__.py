"""Warehouses, stock per SKU and warehouse, reservations and the movement ledger."""
