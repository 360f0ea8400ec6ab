"""Payments: the use cases (service), the state machine (states), the gateway clients."""
