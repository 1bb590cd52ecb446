# The iprgraph HTTP API for production, next to Neo4j (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Metadata first, then the packages: pyproject.toml names README.md as the readme,
# so the build needs it. A non-editable install, so the running code is what pip
# installed, not a source tree beside it.
WORKDIR /src
COPY pyproject.toml README.md ./
COPY graph ./graph
COPY ingest ./ingest
COPY api ./api
COPY viz ./viz
RUN pip install --no-cache-dir . && rm -rf /src

# Never run the API as root. A fixed uid, so volume permissions do not depend on
# the order of useradd calls.
RUN useradd --create-home --uid 10001 iprgraph
USER iprgraph
# Out of /src: uvicorn puts the working directory first on sys.path, which must not
# shadow the installed packages. IPRGRAPH_DATA_DIR (quarantine files) lands here.
WORKDIR /home/iprgraph

EXPOSE 8000
# `iprgraph serve`, as measured in BENCHMARKS.md: it creates the schema if Neo4j has
# none yet, answers from one process per core (IPRGRAPH_API_WORKERS to change that)
# and settles each process's heap before the first request. Exec form: iprgraph is
# PID 1, and on SIGTERM stops its workers and exits (tests/api/test_serve.py).
# 0.0.0.0 inside the container so the published port reaches it; compose publishes
# it on the host's loopback only.
CMD ["iprgraph", "serve", "--host", "0.0.0.0", "--port", "8000"]
