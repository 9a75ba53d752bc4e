"""Making and measuring the NLP models: training, evaluation, and the team's labels.

Kept out of the runtime package ``nlp`` on purpose: a worker imports ``nlp`` and
loads its committed models; nothing here is imported at run time. ``tinstream
train`` writes to ``--out``; a model ships once it is copied into ``nlp/models/``
and committed with its card.
"""
