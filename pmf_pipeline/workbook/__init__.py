"""The updater workbook: its layout, what a return asks for, writing it, and reading a returned one safely."""
