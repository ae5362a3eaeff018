"""An unhandled error's message never reaches the server's log: served by uvicorn, as in production, an
exception left to Starlette is raised on to the server, which logs it with its message ("Exception in ASGI
application"), and a message may quote a respondent's answers."""

import json
import subprocess
import sys
from pathlib import Path

from tests.reliability.live_server import free_port

ROOT = Path(__file__).resolve().parents[2]
SECRET_ANSWER = "Zoraida Testigo"

CHILD = """
import json, sys, threading, time, urllib.error, urllib.request
import uvicorn
from api import migrate
from api.app import create_app
from api.config import Settings

database, port, secret = sys.argv[1], int(sys.argv[2]), sys.argv[3]
url = "sqlite:///" + database
migrate.upgrade(url)
app = create_app(Settings(database_url=url, secret_key="s" * 48))


@app.get("/fails-on-an-answer")
def fails_on_an_answer():
    raise ValueError("could not read the answer " + secret)  # a bug quoting a respondent's value


server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="info"))
thread = threading.Thread(target=server.run, daemon=True)
thread.start()
while not server.started and thread.is_alive():
    time.sleep(0.05)
try:
    urllib.request.urlopen(f"http://127.0.0.1:{port}/fails-on-an-answer", timeout=30)
    status, body = 200, {}
except urllib.error.HTTPError as error:
    status, body = error.code, json.loads(error.read())
server.should_exit = True
thread.join(timeout=30)
print(json.dumps({"status": status, "code": body.get("code")}))
"""


def test_the_server_log_of_an_unhandled_error_holds_where_it_was_raised_not_its_message(tmp_path):
    done = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path / "t.db"), str(free_port()), SECRET_ANSWER],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"status": 500, "code": "internal_error"}
    logged = done.stderr
    assert '"message": "unhandled error"' in logged and "fails_on_an_answer" in logged  # the app's own record
    assert "Exception in ASGI application" not in logged
    assert "Zoraida" not in logged
