"""What both gateway simulators share; it imports neither of them.

db.py         the sandbox's SQLAlchemy object and declarative base (its own tables)
clock.py      the sandbox clock (SANDBOX_CLOCK) in epoch seconds and milliseconds
card_form.py  the hosted pages' card form: parse and refuse bad input, mask a PAN, name its scheme
i18n.py       the hosted pages' language (the order's, else the browser's) and their amounts
wallets.py    the hosted pages' test wallets (Apple Pay, Google Pay, Samsung Pay) and their tokens
delivery.py   callbacks on daemon threads: HTTP GET, retried until 200, each try recorded
control.py    the JSON answers of the sandbox control endpoints
errors.py     error pages in the caller's format (each gateway names its API's), never a traceback
origins.py    the merchant origins payers and callbacks may go to (SANDBOX_ALLOWED_ORIGINS)
hardening.py  security headers and the body size limit, for a sandbox put online
"""
