"""The exceptions the library raises. The CLI turns any PmfError into one line and an exit status."""


class PmfError(Exception):
    """Base of every error the tool reports to a person rather than as a traceback."""

    exit_code = 1


class ConfigError(PmfError):
    """The configuration in config/ is missing, malformed or inconsistent."""

    exit_code = 2


class UsageError(PmfError):
    """The command was asked for something it cannot do (a bad period, a missing folder)."""

    exit_code = 2


class WorkbookError(PmfError):
    """A file is not a usable return; the message says what it is and what the sender should do."""

    exit_code = 1


class PeriodClosed(PmfError):
    """Returns were sent for a period that is closed; the message names the reopen command."""

    exit_code = 1


class DatasetError(PmfError):
    """The master dataset cannot be opened, locked or written."""

    exit_code = 2


class LockedError(DatasetError):
    """Another pmf run is using the data folder."""


class DiskFullError(DatasetError):
    """The disk holding the data folder, the packs or an output has no space left."""
