"""Reading GIS files and turning them into a measured PatrolInstance."""
