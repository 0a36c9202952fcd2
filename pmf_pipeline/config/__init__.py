"""The configuration a council edits (``config/``): its models, loading and checking, and the copy frozen
with each period.

- ``models``: the framework, PI library, targets and history as frozen, typed objects;
- ``loading``: reading and checking the files into a ``Config``, every mistake named;
- ``frozen``: the configuration kept with each period, so a past quarter is judged as it was.

``load_config`` and the models are re-exported here for library users.
"""

from pmf_pipeline.config.loading import load_config
from pmf_pipeline.config.models import CONFIG_FILES, PI, Config, Framework

__all__ = ["CONFIG_FILES", "PI", "Config", "Framework", "load_config"]
