"""``python -m streams.cli``: the same as the ``tinstream`` command."""

from streams.cli.main import main

# Guarded: the enrichment process pool starts its processes with "spawn", which
# imports the main module again in each of them.
if __name__ == "__main__":
    main()
