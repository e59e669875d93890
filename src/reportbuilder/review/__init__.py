"""Reviewing built reports: what changed between two PDFs."""
