"""Fault injection: the sandbox misbehaves the way real gateways do, on request.

Faults are armed through the control API (`/sandbox-control/faults`, JSON) or the faults page
(`/sandbox-control/faults/page`, HTML with CSRF), both by rules.py, for the next N calls of
one API method (or every method), or for a single call with the request header
`X-Sandbox-Fault: <fault>`. They act on the API of both gateways, around the real handler:

| fault | what the client sees | did the gateway act? |
| --- | --- | --- |
| `latency` | the real answer after `ms` milliseconds | yes |
| `http_500` / `http_502` / `http_503` | that status with an HTML body | no |
| `html` | HTTP 200 with an HTML error page instead of the API's format | no |
| `invalid` | HTTP 200 with a body that is not the API's format (`{"errorCode":`) | no |
| `truncated` | the real answer cut in half | yes |
| `drop` | the connection closed without an answer | no |
| `drop_after` | the connection closed without an answer | yes |
| `hang` | no answer for `ms` milliseconds (default 15 000), then the real one | yes, late |
| `hang_after` | the real work done at once, the answer held back `ms` milliseconds | yes |
| `system_error` | the gateway's own "system error" (RBS errorCode 7, PaynetEasy type=error) | no |
| `ignored` | an acceptance for a call never served (faults/ignored.py) | no, nothing at all |

`ignored` answers RBS `{"errorCode":"0","errorMessage":"Success"}` and PaynetEasy a
well-formed `type=async-response` with the request's client_orderid and orderid and a fresh
`serial-number` that no status call knows: meant for deposit.do, reverse.do, refund.do,
capture and return (any other method gets the same answer).

Armed with method `callback`, the callback faults `lost`, `duplicated`, `delayed` and
`out_of_order` act on the notifications both gateways send (see faults/callbacks.py).

Limits (faults/limits.py): `ms` at most 30 000, `times` at most 100, and at most
SANDBOX_FAULT_MAX_DELAYED `latency`, `hang` and `hang_after` in progress at once (one more
is answered 429 at once): the sandbox may be online, sleeping on the shop's threads.
"""
