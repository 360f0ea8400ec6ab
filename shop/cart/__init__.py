"""Cart blueprint and service."""
