"""Fixes to the libraries tinstream runs on, in one place.

- ``faust_consumer``: Faust's consumer committed offsets of articles it never
  processed (four ways). A subclass of its consumer, through its transport, which
  the pipeline sets on its app: no patch.
- ``kafka_clients``: aiokafka's metadata retry storm and two kafka-python network
  bugs, where neither library offers an extension point: patched in place by
  ``install()``, which ``streams.kafka`` calls before configuring any client.

Each is checked against the library version it was written for
(``streams.fixes.versions``) and refuses another; ``tests/unit/test_fixes.py`` checks
that those versions are the ones pyproject.toml pins.
"""

from streams.fixes.kafka_clients import install

__all__ = ["install"]
