"""FastAPI's own OpenTelemetry spans, on as soon as an operator configures a tracer provider, never carry a
device token: the requests whose URL holds one (/openrosa/key/<token>/...) are left out of them.

Run in a child process, as a real deployment sets it up: the global tracer provider can be set once per
process, and the SDK's in-memory exporter receives exactly what an OTLP exporter would send."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "device-token-that-must-stay-secret"

CHILD = f"""
import json, sys
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

exporter = InMemorySpanExporter()
provider = TracerProvider()
provider.add_span_processor(SimpleSpanProcessor(exporter))
trace.set_tracer_provider(provider)

from fastapi.testclient import TestClient
from api import migrate
from api.app import create_app
from api.config import Settings

url = "sqlite:///" + sys.argv[1]
migrate.upgrade(url)
with TestClient(create_app(Settings(database_url=url, secret_key="s" * 48))) as client:
    statuses = [client.get("/openrosa/key/{TOKEN}/formList").status_code, client.get("/health").status_code,
                client.head("/openrosa/submission").status_code]
print(json.dumps({{"statuses": statuses, "spans": [{{"name": span.name, "attributes": dict(span.attributes)}}
                                                 for span in exporter.get_finished_spans()]}}))
"""


def test_spans_leave_out_requests_whose_url_holds_a_device_token(tmp_path):
    done = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path / "t.db")], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["statuses"] == [401, 200, 401]  # the token was tried (unknown), the others answered
    paths = [span["attributes"].get("url.path") for span in result["spans"]]
    assert "/health" in paths and "/openrosa/submission" in paths  # telemetry is on: the other requests are traced
    assert TOKEN not in json.dumps(result["spans"])
    assert not any("/openrosa/key/" in str(path) for path in paths)
