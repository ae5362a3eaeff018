"""The Dockerfile is kept correct by reading it (no Docker engine runs here): these checks read it."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def instructions(name: str) -> list[str]:
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    return [line.split(None, 1)[1] for line in joined.splitlines() if line.startswith(name + " ")]


def test_every_installed_package_is_copied_into_the_image():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    packages = {p.rstrip("*") for p in pyproject["tool"]["setuptools"]["packages"]["find"]["include"]}
    copied = {copy.split()[0].strip("./") for copy in instructions("COPY")}
    assert packages <= copied, f"not copied: {packages - copied}"
    for needed in ("constraints.txt", "pyproject.toml", "alembic.ini"):
        assert any(needed in copy for copy in instructions("COPY")), needed


def test_dependencies_come_from_the_lock_and_the_service_runs_unprivileged():
    assert any("--constraint constraints.txt" in run or "-c constraints.txt" in run for run in instructions("RUN"))
    assert instructions("USER") == ["sinmiedo"]
    cmd = instructions("CMD")[-1]
    assert "sinmiedo migrate" in cmd and "sinmiedo serve" in cmd and "0.0.0.0" in cmd


def test_backups_of_postgresql_have_their_tools_in_the_image():
    assert any("postgresql-client" in run for run in instructions("RUN"))


def test_the_healthcheck_probes_readiness():
    assert "/health/ready" in instructions("HEALTHCHECK")[0]
