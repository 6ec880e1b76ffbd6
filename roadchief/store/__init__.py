"""The database of a deployment: versioned inputs, the prepared city and every week's roster."""
