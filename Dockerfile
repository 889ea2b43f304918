# Mesa in production: the same steps as the Makefile, as a non-root user.
#   docker build -t mesa .
#   docker run -p 8000:8000 -e MESA_ENV=production -e MESA_SECRET_KEY=... \
#     -e MESA_DATABASE_URL=postgresql://user:pass@db/mesa mesa

# Swagger UI for /api/docs, from the npm package pinned in package-lock.json (as make does).
FROM node:20-bookworm-slim AS swagger-ui
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts

FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MESA_ENV=production \
    MESA_PORT=8000 \
    MESA_DATABASE_URL=sqlite:////data/mesa.db

RUN useradd --create-home --uid 10001 mesa && mkdir /data && chown mesa /data
WORKDIR /srv/mesa

COPY requirements.lock ./
RUN pip install -r requirements.lock

COPY pyproject.toml README.md ./
COPY app ./app
COPY migrations ./migrations
COPY templates ./templates
COPY static ./static
COPY --from=swagger-ui /build/node_modules/swagger-ui-dist/swagger-ui-bundle.js \
     /build/node_modules/swagger-ui-dist/swagger-ui.css \
     /build/node_modules/swagger-ui-dist/LICENSE ./static/vendor/swagger-ui/
COPY drafts ./drafts
# Editable, as in the Makefile: templates, static files and migrations stay beside app/.
RUN pip install --no-deps -e . && python -c "import app.main"

USER mesa
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"MESA_PORT\"]}/healthz', timeout=4)"

# Migrations are applied at every start; `mesa seed` loads drafts/ only into an empty database.
CMD ["sh", "-c", "mesa db upgrade && mesa seed && mesa serve --host 0.0.0.0 --port ${MESA_PORT}"]
