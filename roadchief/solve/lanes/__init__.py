"""Run independent jobs side by side: in this process, on local processes, or on a Dask cluster."""
