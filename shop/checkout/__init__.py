"""Checkout blueprint: the Buy form, the gateway return, the order page."""
