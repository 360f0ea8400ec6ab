"""gunicorn settings for `make serve`.

The shop calls the embedded sandbox over HTTP on its own address, so a worker must be
able to serve a second request while one waits: gthread workers, never the sync worker.
"""

wsgi_app = "shop:create_app()"
bind = "127.0.0.1:5000"
worker_class = "gthread"
workers = 2
threads = 8
timeout = 60
accesslog = "-"
# The path without its query string (%(U)s, not %(r)s): callbacks carry payer data there.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s"'
errorlog = "-"
