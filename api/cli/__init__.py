"""The sinmiedo command line."""
