"""Errors the payment use cases raise; str() of each is written for the buyer."""


class PaymentError(Exception):
    """Base of the payment use cases' errors."""


class PaymentUnavailable(PaymentError):
    """The gateway could not be asked; nothing was decided and the order is kept."""


class StatusJustChecked(PaymentUnavailable):
    """Somebody asked the gateway moments ago: this request does not ask again."""


class PaymentRefused(PaymentError):
    """The gateway refused to register the payment; the buyer may try again later."""


class UnknownPayment(PaymentError):
    """No payment matches what the browser sent."""


class ReturnMismatch(PaymentError):
    """A return that does not belong to the payment it names: ignored."""


class RetryNotAllowed(PaymentError):
    """The order is not in a state where a new attempt makes sense."""


class ForgedNotification(PaymentError):
    """A callback whose signature does not verify: nothing is changed."""


class OperationNotAllowed(PaymentError):
    """A back-office action the payment's state does not allow; nothing was sent."""


class OperationUnconfirmed(PaymentError):
    """The gateway took the request but its status does not show the result yet."""


class OperationInProgress(PaymentError):
    """Another back-office operation holds this payment; nothing was sent."""
