#!/bin/sh
# The portal's two database roles (README, Security), made once when the database is first created:
# the owner (POSTGRES_USER) runs migrations; portal_app serves, owning no table.
set -eu
# The password goes in as a psql variable (:'password'), quoted by psql, whatever it holds.
psql -v ON_ERROR_STOP=1 -v password="$PORTAL_APP_PASSWORD" --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
CREATE ROLE portal_app LOGIN PASSWORD :'password' NOSUPERUSER NOCREATEDB NOCREATEROLE;
REVOKE ALL ON DATABASE "${POSTGRES_DB}" FROM PUBLIC;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
