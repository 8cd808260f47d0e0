"""The quiz service: attempts scored and recorded by a server the learner cannot edit (a JupyterHub service).

* :mod:`.tables` and :mod:`.migrate`: its tables in the gradebook database, created by versioned migrations.
* :mod:`.trusted`: the quiz and its key, read from the trainer's source notebooks (never the learner's copy).
* :mod:`.book`: the rules applied to the database (start, save, submit, list, overrides).
* :mod:`.app`: the HTTP API (tornado), authenticated by the learner's JupyterHub token.
* :mod:`.client`: what the learner's kernel uses to talk to it.
* :mod:`.grading`: the recorded attempts as a responses document for ``coursekit autograde``.
"""
