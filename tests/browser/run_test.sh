#!/usr/bin/env bash
# Runs one browser test file with Node's test runner: run_test.sh NAME.test.mjs [node options].
# Exits 77 (ctest's skip) when the npm packages are not installed here (for e2ee_*.test.mjs,
# which need no Chromium: when web/node_modules is not).
set -euo pipefail
cd "$(dirname "$0")"

file=${1:?usage: run_test.sh NAME.test.mjs}
shift
case "$file" in
  e2ee_*)
    # The E2EE library's tests run in Node alone, with the libsodium of web/node_modules.
    if [ ! -f ../../web/node_modules/libsodium-wrappers-sumo/package.json ]; then
      echo "browser test skipped: web/node_modules is missing; run scripts/setup-npm.sh" >&2
      exit 77
    fi
    ;;
  *)
    if [ ! -f node_modules/playwright-core/package.json ] || [ ! -f node_modules/axe-core/axe.min.js ]; then
      echo "browser test skipped: tests/browser/node_modules is missing; run scripts/setup-npm.sh" >&2
      exit 77
    fi
    ;;
esac
exec "${PARVIS_NODE:-node}" --test --test-reporter=spec "$@" "$file"
