"""`make bench`: the shop under `make serve`'s servers and `make run`'s, loaded from other
processes (wrk for pages, scripted buyers for whole purchases), figures beside targets.

Prints figures; asserts nothing (timings belong here, never in the test suite). Method and
last figures: docs/benchmarks.md.
"""
