"""The ``tinstream`` command line."""
