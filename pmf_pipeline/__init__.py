"""pmf-pipeline: a council's quarterly performance cycle, from updater workbooks to scrutiny packs.

The package is a set of stages that can be imported and called from Python; the ``pmf`` command
(``pmf_pipeline.cli``) is a thin layer over them.
"""

__version__ = "0.1.0"
