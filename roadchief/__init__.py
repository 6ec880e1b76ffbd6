"""roadchief: road-segment responsibility and patrol scheduling (路长制)."""

__version__ = "0.1.0"
