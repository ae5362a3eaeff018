"""sinmiedo web service: FastAPI app, settings, storage, auth and one package per domain."""
