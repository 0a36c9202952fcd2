"""The ``pmf`` command: options in, one library call, a summary out, and the exit status.

Exit status: 0 done; 1 the data has errors (a rejected file, an error finding, an audit
discrepancy); 2 a usage or configuration error. A traceback only with ``--debug``.

``app`` holds the command group and what every command shares; each other module adds the commands
of one part of the cycle. Nothing here runs SQL, names a path under the data folder itself, or
imports a spreadsheet or PDF library: that is the library's work.
"""

from pmf_pipeline.cli import audit, council, init, lifecycle, packs, returns  # noqa: F401  (each registers its commands)
from pmf_pipeline.cli.app import main

__all__ = ["main"]
