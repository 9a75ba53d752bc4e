"""The worker's web side: the HTTP search API and the pages built on it.

Served by Faust's web server next to the agents; everything here reads the search
alias through ``indexers.search`` and never touches Kafka (the pipeline page's data
comes from a provider the pipeline injects).
"""

from indexers.web.api import add_views
from indexers.web.page import add_pages

__all__ = ["add_pages", "add_views"]
