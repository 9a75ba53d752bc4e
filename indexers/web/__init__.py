"""The worker's web side: the HTTP search API (and the pages built on it).

Served by Faust's web server next to the agents; everything here reads the search
alias through ``indexers.search`` and never touches Kafka.
"""

from indexers.web.api import add_views

__all__ = ["add_views"]
