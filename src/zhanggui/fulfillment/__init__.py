"""Shipments: carriers, tracking numbers, delivery."""
