"""Pure clients of the gateways' wire protocols: requests and the standard library only."""
