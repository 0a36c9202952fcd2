"""The rules, pure and without I/O: status and trend, reading numbers as people type them, and text made safe for outputs."""
