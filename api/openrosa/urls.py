"""The server URL ODK Collect is given, and the absolute URLs under it (the form list's)."""

from fastapi import Request


def collect_server_url(request: Request, token: str | None = None) -> str:
    """`<root>/openrosa` (HTTP Basic), or `<root>/openrosa/key/<device token>`. The root is the configured
    public URL (behind a TLS proxy the request's own scheme and host may be the proxy's), else the request's."""
    root = request.app.state.settings.public_url or str(request.base_url).rstrip("/")
    return root + "/openrosa" + (f"/key/{token}" if token else "")
