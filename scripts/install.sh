#!/usr/bin/env bash
# Installs what the service needs on a Debian machine (run as root), idempotently:
#  - Debian's Chromium (PDF rendering) and fonts (Liberation: metric-compatible Arial/Times; DejaVu);
#  - Debian's PostgreSQL server binaries, for the tests of the PostgreSQL store (each test run starts
#    a throw-away cluster of its own: the distribution's default cluster is stopped and left manual);
#  - the npm packages of the lockfile;
#  - the compiled service (dist/), so that `npm start` runs JavaScript at once.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
dpkg -s fonts-liberation >/dev/null 2>&1 || missing+=(fonts-liberation)
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || missing+=(fonts-dejavu-core)
postgresql_missing=false
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  missing+=(postgresql)
  postgresql_missing=true
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing Debian packages: ${missing[*]} (run this script as root to install them)" >&2
    exit 1
  fi
  echo "Installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The package creates (and may start) a default cluster: the service and its tests do not use it.
  if [ "$postgresql_missing" = true ] && command -v pg_lsclusters >/dev/null 2>&1; then
    { pg_lsclusters -h 2>/dev/null || true; } | while read -r version cluster _; do
      pg_ctlcluster "$version" "$cluster" stop >/dev/null 2>&1 || true
      if [ -f "/etc/postgresql/$version/$cluster/start.conf" ]; then echo manual >"/etc/postgresql/$version/$cluster/start.conf"; fi
    done
  fi
fi

# npm ci when the lockfile matches package.json; it is fast and reproducible.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

# Compile TypeScript once here, not at every start.
npm run build --silent
