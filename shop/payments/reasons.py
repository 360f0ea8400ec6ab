"""Why the bank said no, in the buyer's language, where the shop knows the code.

The gateway's own text (actionCodeDescription, error-message) comes in the language the
payment was registered with, or in none at all; a known code reads better. An unknown code
keeps the gateway's text.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from shop.models import Payment

# RBS actionCode (the BPC and Sberbank tables, see /work/shared/gateways/rbs.md).
RBS = {
    "-2000": _l("This card may not be used here"),
    "-2002": _l("The amount is over the limit"),
    "-2005": _l("The card's bank could not confirm the payment (3-D Secure)"),
    "-2006": _l("The card's bank did not confirm the payment (3-D Secure)"),
    "-2007": _l("The time to pay ran out"),
    "-2011": _l("The card's bank could not confirm the payment (3-D Secure)"),
    "-2013": _l("Too many payment attempts"),
    "-20010": _l("The card's bank limit is exceeded"),
    "5": _l("The payment network declined the payment"),
    "53": _l("There is no such card"),
    "100": _l("The card is restricted"),
    "101": _l("The card has expired"),
    "103": _l("The card's bank could not be reached"),
    "104": _l("The account is restricted"),
    "107": _l("Call the bank that issued the card"),
    "110": _l("The amount is not valid"),
    "111": _l("The card number is not valid"),
    "116": _l("Insufficient funds"),
    "119": _l("This payment is not allowed for this card"),
    "121": _l("The card's daily limit is exceeded"),
    "123": _l("The card's limit on payments is exceeded"),
    "208": _l("The card is reported lost"),
    "209": _l("The card's limits are exceeded"),
    "910": _l("The card's bank is not available"),
    "2002": _l("This operation is not allowed"),
    "4005": _l("Declined by the shop"),
    "71015": _l("The card details are wrong"),
    "341014": _l("The payment was cancelled on the payment page"),
}

# PaynetEasy error-code (the codes its sandbox declines with).
PAYNETEASY = {
    "100": _l("Declined by the bank"),
    "101": _l("The card has expired"),
    "105": _l("The card's bank did not confirm the payment (3-D Secure)"),
    "110": _l("The payment was cancelled on the payment page"),
    "116": _l("Insufficient funds"),
    "119": _l("This payment is not allowed for this card"),
    "209": _l("The card is reported stolen"),
}

_BY_PROVIDER = {"rbs": RBS, "payneteasy": PAYNETEASY}


def decline_reason(payment: Payment) -> str:
    """The reason in the buyer's language for a known code, else the gateway's own text."""
    known = _BY_PROVIDER.get(payment.provider, {}).get((payment.action_code or "").strip())
    return str(known) if known is not None else (payment.action_description or "")
