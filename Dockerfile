# ClusterDiag: one image for the web server and the Celery worker.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1

# pango/harfbuzz/fonts for WeasyPrint, chromium for chart images (kaleido), gettext for
# compilemessages, curl-free health checks use Python itself.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
    libharfbuzz-subset0 fonts-dejavu-core chromium gettext \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY clusterdiag ./clusterdiag
COPY diagnostic ./diagnostic
COPY benchmark ./benchmark
RUN pip install .
COPY . .
# Static files and translations are built into the image, so containers start ready.
RUN DEBUG=false SECRET_KEY=build-only-not-secret python manage.py compilemessages -v0 \
 && DEBUG=false SECRET_KEY=build-only-not-secret python manage.py collectstatic --noinput -v0

RUN useradd --create-home --uid 1000 clusterdiag && mkdir -p /app/private \
 && chown clusterdiag /app/private
USER clusterdiag
EXPOSE 8000
CMD ["gunicorn", "clusterdiag.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--timeout", "60", "--access-logfile", "-"]
