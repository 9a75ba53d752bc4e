"""Files the packages ship (models, lexicons, samples, Kibana objects), found at run time.

Through ``importlib.resources`` rather than paths relative to a source file, so that
they are found wherever and however the package is installed (a wheel, an
editable checkout). The files are read in place: tinstream's packages are installed
as directories, never zipped.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def packaged(package: str, *parts: str) -> Path:
    """The path of a file or folder ``package`` ships: ``packaged("deploy", "kibana")``."""
    return Path(str(files(package).joinpath(*parts)))
