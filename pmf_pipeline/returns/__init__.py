"""Returns coming back: identification and validation findings, isolation of untrusted files, ingest, the return tracker and findings workbooks."""
