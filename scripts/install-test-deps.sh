#!/usr/bin/env bash
# Installs what the interop tests need beyond npm: Python Celery 5 and its Redis client from Debian's
# packages, plus redis-server (crash/restart tests start their own). Idempotent: does nothing when present.
set -euo pipefail

PYTHON=/usr/bin/python3
need=()
"$PYTHON" -c 'import celery' 2>/dev/null || need+=(python3-celery)
"$PYTHON" -c 'import redis' 2>/dev/null || need+=(python3-redis)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)

if [ ${#need[@]} -eq 0 ]; then
  echo "install-test-deps: python3-celery, python3-redis and redis-server already present"
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "install-test-deps: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y "${need[@]}" || { $SUDO apt-get update && $SUDO apt-get install -y "${need[@]}"; }
"$PYTHON" -c 'import celery, redis; print("install-test-deps: celery", celery.__version__, "redis", redis.__version__)'
