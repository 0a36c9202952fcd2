"""Internal audit: re-running validation on archived returns, the audit report and the risk-based sample."""
