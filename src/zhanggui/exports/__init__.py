"""Exports: big files written in the background (a job, its progress, its download)."""
