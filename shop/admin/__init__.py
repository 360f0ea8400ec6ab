"""Back office: staff sign-in, orders, and the capture / release / refund actions."""
