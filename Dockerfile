# Production image of the WorkSource portal: gunicorn serves it, Celery runs its worker and beat.
FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM python:3.12-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=portal.settings
WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir -e .
COPY . .
COPY --from=assets /src/node_modules/@uswds/uswds/dist /tmp/uswds
RUN mkdir -p portal/static/vendor/uswds/img \
 && cp -r /tmp/uswds/css /tmp/uswds/js /tmp/uswds/fonts portal/static/vendor/uswds/ \
 && cp -r /tmp/uswds/img/*.svg /tmp/uswds/img/*.png /tmp/uswds/img/*.gif /tmp/uswds/img/usa-icons /tmp/uswds/img/usa-icons-bg portal/static/vendor/uswds/img/ \
 && rm -rf /tmp/uswds \
 && DJANGO_SECRET_KEY=build SSN_KEYS=build:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= SSN_BLIND_INDEX_KEY=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= \
    MFA_KEYS=build:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= \
    python manage.py collectstatic --no-input --verbosity 0 \
 && useradd --system --home /app portal && mkdir -p var /srv/private && chown -R portal var /srv/private
USER portal
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2", "--access-logfile", "-"]
