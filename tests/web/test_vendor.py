"""The vendored charting files are the exact versions package.json and its lock name, with licences."""

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "api" / "web" / "static" / "vendor"


def _pinned() -> dict[str, str]:
    return json.loads((ROOT / "package.json").read_text())["devDependencies"]


def test_vendored_versions_are_the_pinned_ones():
    listed = dict(line.split()[:2] for line in (VENDOR / "VERSIONS.txt").read_text().splitlines())
    assert listed == _pinned()


def test_lock_file_holds_the_pinned_versions():
    locked = json.loads((ROOT / "package-lock.json").read_text())["packages"]
    for name, version in _pinned().items():
        assert locked[f"node_modules/{name}"]["version"] == version, name


def test_every_vendored_library_ships_its_licence():
    licences = (VENDOR / "THIRD_PARTY_LICENSES.txt").read_text()
    for name, version in _pinned().items():
        assert f"==== {name}@{version} (BSD-3-Clause) ====" in licences, name
