"""FastAPI's own OpenTelemetry spans, on as soon as an operator configures a tracer provider, never carry a
device token: the requests whose URL holds one (/openrosa/key/<token>/...) are left out of them. Exported
logs of an unhandled error never carry its message (which may quote a respondent's values).

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


SECRET_ANSWER = "Zoraida Testigo, calle Las Flores 12"

LOGS_CHILD = f"""
import json, logging, sys
from opentelemetry._logs import set_logger_provider
from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler
from opentelemetry.sdk._logs.export import InMemoryLogRecordExporter, SimpleLogRecordProcessor

exporter = InMemoryLogRecordExporter()
provider = LoggerProvider()
provider.add_log_record_processor(SimpleLogRecordProcessor(exporter))
set_logger_provider(provider)

from fastapi.testclient import TestClient
from api import migrate
from api.app import create_app
from api.config import Settings

url = "sqlite:///" + sys.argv[1]
migrate.upgrade(url)
app = create_app(Settings(database_url=url, secret_key="s" * 48))
# As an operator bridging Python's logging to OpenTelemetry would: the app's own records are exported too.
logging.getLogger("sinmiedo").addHandler(LoggingHandler(logger_provider=provider))


@app.get("/fails-on-an-answer")
def fails_on_an_answer():
    raise ValueError("could not read the answer {SECRET_ANSWER!r}")  # a bug quoting a respondent's value


with TestClient(app, raise_server_exceptions=False) as client:
    status = client.get("/fails-on-an-answer").status_code
records = [{{"body": str(data.log_record.body), "attributes": {{key: str(value) for key, value in
            (data.log_record.attributes or {{}}).items()}}}} for data in exporter.get_finished_logs()]
print(json.dumps({{"status": status, "records": records}}))
"""


def test_exported_logs_of_an_unhandled_error_hold_where_it_was_raised_not_its_message(tmp_path):
    done = subprocess.run([sys.executable, "-c", LOGS_CHILD, str(tmp_path / "t.db")], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["status"] == 500
    unhandled = [record for record in result["records"] if record["body"] == "unhandled error"]
    assert len(unhandled) == 1, result["records"]  # the app's own record, exported through the bridge
    attributes = unhandled[0]["attributes"]
    assert attributes["error"] == "builtins.ValueError" and "fails_on_an_answer" in attributes["traceback"]
    assert "Zoraida" not in json.dumps(result["records"])  # nor in FastAPI's own exception events
