# sinmiedo service image: slim Python, non-root, dependencies from the lock,
# migrations then the server. Configure with SINMIEDO_* variables; in production
# set SINMIEDO_ENVIRONMENT=production, SINMIEDO_SECRET_KEY and SINMIEDO_DATABASE_URL, and
# SINMIEDO_WORKERS to the container's cores (one worker process each; default 1).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# pg_dump/pg_restore for `sinmiedo backup` and `restore` against PostgreSQL (Debian's client is
# version 15: pg_dump must be at least as new as the server it dumps).
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system sinmiedo && useradd --system --gid sinmiedo --home-dir /app --shell /usr/sbin/nologin sinmiedo

WORKDIR /app

COPY constraints.txt pyproject.toml README.md alembic.ini ./
COPY api ./api
COPY survey_defs ./survey_defs
COPY weighting ./weighting
COPY crime_data ./crime_data
COPY indicators ./indicators
COPY migrations ./migrations
# Runtime dependencies only, at the versions the lock pins.
RUN pip install --constraint constraints.txt . && mkdir -p /app/var && chown -R sinmiedo:sinmiedo /app/var

USER sinmiedo
EXPOSE 8000
VOLUME ["/app/var"]

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health/ready', timeout=4).status == 200 else 1)"

CMD ["sh", "-c", "sinmiedo migrate && exec sinmiedo serve --host 0.0.0.0 --port 8000"]
