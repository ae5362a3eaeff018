"""The public dashboard: HTML pages over the public release endpoints, with vendored charts."""
