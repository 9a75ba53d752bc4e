"""``python -m streams.cli``: the same as the ``tinstream`` command."""

from streams.cli.main import main

main()
