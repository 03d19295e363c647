# Shared steps of scripts/run and scripts/test. Every step checks before it acts, so a
# second run installs and starts nothing that is already there.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
VENV=${VENV:-$ROOT/.venv}
RUN_DIR=${RUN_DIR:-$ROOT/.run}
PGPORT=${PGPORT:-5432}
REDIS_PORT=${REDIS_PORT:-6379}
mkdir -p "$RUN_DIR"

if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# Installs the Debian/Ubuntu packages that are missing; does nothing when all are there.
ensure_system_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "Missing system packages: ${missing[*]}. Install them with your package manager." >&2
    return 1
  fi
  say "Installing system packages: ${missing[*]}"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    --no-upgrade "${missing[@]}" >/dev/null
}

pick_python() {
  for candidate in python3.11 python3.12 python3.13 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
      echo "$candidate"; return 0
    fi
  done
  echo "ClusterDiag needs Python 3.11 or newer." >&2
  return 1
}

# Creates the virtual environment and installs the project with the given extras. A stamp
# of pyproject.toml skips pip entirely when nothing changed.
ensure_venv() {
  local extras=${1:-}
  local stamp="$VENV/.installed${extras:+-$extras}"
  local want
  want=$(sha256sum pyproject.toml | cut -d' ' -f1)
  if [ ! -x "$VENV/bin/python" ]; then
    say "Creating the virtual environment in $VENV"
    "$(pick_python)" -m venv "$VENV"
  fi
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  say "Installing Python packages${extras:+ ($extras)}"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e ".${extras:+[$extras]}" 2>&1 \
    | grep -v "is ignored: it is neither" || true
  "$VENV/bin/python" -c "import django, celery, weasyprint" # fails loudly if pip did not finish
  echo "$want" > "$stamp"
}

compile_messages() {
  # compilemessages needs no secret: run it on the development defaults.
  DEBUG=true SECRET_KEY= "$VENV/bin/python" manage.py compilemessages -v0 --ignore=.venv
}

as_postgres() {
  if [ "$(id -u)" = 0 ]; then su postgres -c "$*"; else sudo -u postgres sh -c "$*"; fi
}

# Uses a PostgreSQL that already answers; otherwise starts the newest local cluster.
ensure_postgres() {
  if ! pg_isready -q -h 127.0.0.1 -p "$PGPORT" 2>/dev/null; then
    local ver
    ver=$(ls /usr/lib/postgresql | sort -V | tail -1)
    pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$ver main" \
      || $SUDO pg_createcluster "$ver" main --port "$PGPORT" >/dev/null
    say "Starting PostgreSQL $ver"
    $SUDO pg_ctlcluster "$ver" main start
    for _ in $(seq 1 50); do pg_isready -q -h 127.0.0.1 -p "$PGPORT" && break; sleep 0.2; done
  fi
  pg_isready -q -h 127.0.0.1 -p "$PGPORT" || { echo "PostgreSQL does not answer on port $PGPORT" >&2; return 1; }
  # The role needs CREATEDB: pytest-django creates its own test database.
  as_postgres "psql -p $PGPORT -tAc \"select 1 from pg_roles where rolname='clusterdiag'\"" | grep -q 1 \
    || as_postgres "psql -p $PGPORT -qc \"create role clusterdiag login password 'clusterdiag' createdb\""
  as_postgres "psql -p $PGPORT -tAc \"select 1 from pg_database where datname='clusterdiag'\"" | grep -q 1 \
    || as_postgres "createdb -p $PGPORT -O clusterdiag clusterdiag"
}

# Uses a Redis that already answers; otherwise starts one on loopback that keeps nothing on disk.
ensure_redis() {
  if redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then return 0; fi
  say "Starting Redis on port $REDIS_PORT"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --save '' --appendonly no \
    --pidfile "$RUN_DIR/redis.pid" --logfile "$RUN_DIR/redis.log" --dir "$RUN_DIR"
  for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "Redis does not answer on port $REDIS_PORT" >&2
  return 1
}

# What WeasyPrint, kaleido (chart images) and compilemessages need from the system.
RUNTIME_PACKAGES=(gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core chromium)
