# One image for every newswire stage: `docker run newswire worker --stage clean`.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 NEWSWIRE_HOME=/var/lib/newswire
WORKDIR /app
COPY pyproject.toml README.md ./
COPY schemas ./schemas
COPY streams ./streams
COPY seeds ./seeds
RUN pip install --no-cache-dir ".[pipeline]" && python -m streams.build.ngrams && python -m streams.build.gazetteer && useradd --system --home /var/lib/newswire newswire && mkdir -p /var/lib/newswire && chown newswire /var/lib/newswire
USER newswire
ENTRYPOINT ["newswire"]
CMD ["worker", "--stage", "all"]
