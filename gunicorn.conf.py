"""gunicorn settings for `make serve`, chosen by measurement.

`make bench` runs the shop with these very settings (only the address differs); the figures
quoted below are its, on the 2-core machine of docs/benchmarks.md, from interleaved runs.
Try another value with `BENCH_GUNICORN_ARGS="--threads 32" make bench` before changing one.
"""

wsgi_app = "shop:create_app()"
bind = "127.0.0.1:5000"

# Threads, because a request waits on the bank (register.do, the status call) while others
# must go on; never the sync worker.
# gevent was measured too (gevent from PyPI; gunicorn monkey-patches the worker, and psycopg
# 3.3 then waits on PostgreSQL cooperatively by itself): it spends less CPU per purchase
# (shop 92-102 ms against 112-136 ms) and with `keepalive = 0` its catalog p99 under wrk is
# ~100 ms against 240-330 ms. Not kept: with keep-alive on, a CPU-bound page starves the other
# connections of its worker (catalog p99 1.3-2.4 s); the gevent package is not a dependency;
# on SQLite, the default, a writer waiting for the lock sleeps in C (busy_timeout) and stops
# every greenlet of its worker, the holder of the lock included, so one slip (a write left
# open across a gateway call) would stall a worker for 5 s; and its catalog p99 with 16
# checkouts waiting on a 2 s bank rose 2.6x (CPU, not starved threads), over the 2x target.
worker_class = "gthread"

# One worker per core: page work is CPU under each process's GIL. Four workers measured no
# better on purchases or the catalog (the two cores are already busy) and cost 4 x ~90 MiB.
workers = 2

# Twice the bulkhead (GATEWAY_CONCURRENCY, 8 gateway calls at once per process): checkouts
# waiting on a slow bank hold at most 8 threads, and 8 stay for pages that never talk to it.
# With 8 threads, 16 checkouts held 2 s at the gateway took every thread and the catalog p99
# rose 3.4-4.3x; with 16 threads 1.3-2.2x (median of 4 runs ~1.5x); 32 threads measured the
# same (1.0-1.8x) for ~6 MiB more per worker. A bulkhead of 4 kept the catalog (1.0-1.4x)
# but told 18-24 of ~100 of those buyers that the bank was busy: 8 stays.
threads = 16

# A worker silent this long is killed: well above the longest request the shop makes (a
# gateway call: up to 2 s queued for a slot, 3.05 s to connect, 10 s to read).
timeout = 60

accesslog = "-"
# The path without its query string (%(U)s, not %(r)s): callbacks carry payer data there.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s"'
errorlog = "-"
