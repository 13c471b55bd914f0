#!/usr/bin/env bash
# Installs what is missing, builds Parvis (Release) and starts a node on
# http://127.0.0.1:8080 with its data in ./var/data and embedded defaults.
# Extra arguments go to `parvis serve` (for example --config FILE).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
BUILD_DIR=build/release
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build "$BUILD_DIR" --target parvis

echo
echo "Starting Parvis: http://127.0.0.1:8080 (data in ./var/data; Ctrl-C stops it)"
echo "Create the first admin account from another terminal, in $(pwd):"
echo "  printf '%s\\n' 'a long passphrase' | $BUILD_DIR/server/parvis admin create-user admin --kind person --admin --password-stdin"
echo
exec "$BUILD_DIR/server/parvis" serve "$@"
