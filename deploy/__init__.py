"""The files an operator copies to run the forum in production (see README)."""
