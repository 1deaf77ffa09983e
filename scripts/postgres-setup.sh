#!/usr/bin/env bash
# Makes a local PostgreSQL ready for the tests and local clusters: installs it from Debian's packages if
# missing, starts it, and creates the role and database. Prints the connection string on stdout.
# Needs root (as CI and the developers' machines have). Idempotent.
set -euo pipefail
role=${TX_PG_ROLE:-tx}
password=${TX_PG_PASSWORD:-tx-local-password}
database=${TX_PG_DATABASE:-tokenexchange}

if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
  echo "installing PostgreSQL from Debian's packages" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi
version=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h | awk '{print $1"/"$2}' | grep -q "^$version/main$"; then
  pg_createcluster "$version" main >&2
fi
if ! pg_lsclusters -h | awk '$1=="'"$version"'" && $2=="main" {print $4}' | grep -q online; then
  pg_ctlcluster "$version" main start >&2
fi
for _ in $(seq 1 30); do
  runuser -u postgres -- pg_isready -q && break
  sleep 1
done
runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 >&2 <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$role') THEN
    CREATE ROLE "$role" LOGIN PASSWORD '$password' CREATEDB;
  ELSE
    ALTER ROLE "$role" LOGIN PASSWORD '$password' CREATEDB;
  END IF;
END \$\$;
SQL
if ! runuser -u postgres -- psql -tAc "SELECT 1 FROM pg_database WHERE datname = '$database'" | grep -q 1; then
  runuser -u postgres -- createdb -O "$role" "$database" >&2
fi
echo "Host=127.0.0.1;Port=5432;Username=$role;Password=$password;Database=$database"
