"""Settings, split by where the portal runs: base, dev, test and production."""
