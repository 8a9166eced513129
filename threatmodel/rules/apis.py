"""Placeholder until the family is written."""
