"""Autograde: the engine that grades submissions with nbgrader.

Finding and snapshotting submissions, rebuilding them from the release,
executing them in-process, the worker pool and the Dask cluster, recording
grades, and the exchange (release, submit, collect).
"""
