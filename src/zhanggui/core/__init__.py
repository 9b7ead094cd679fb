"""Shared kernel: money, time, regions, base models and domain errors. No business rules."""
