"""Readers of tabular inputs (chiefs files) and writers shared by commands."""
