"""The enrich stage's process pool: supervised subprocesses that each hold the models.

``pool`` is the parent side, ``child`` the process's main loop, ``wire`` the frames
they exchange over a socket pair.
"""
