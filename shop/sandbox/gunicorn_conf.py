"""gunicorn settings of the sandbox run alone (`make serve`): a remote gateway on :5001.

One process, so fault rules, held callbacks and the delay gate live in one place; threads
for the payers' pages and the shop's API calls at once. Its state is in its own database.
"""

wsgi_app = "shop.sandbox:create_app()"
bind = "127.0.0.1:5001"
worker_class = "gthread"
workers = 1
threads = 16
timeout = 60  # above the 30 s cap on injected delays
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s"'
