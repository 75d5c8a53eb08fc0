"""Verdicts and the reports written from them."""
