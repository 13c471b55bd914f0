#!/usr/bin/env bash
# scripts/setup.sh: idempotent as root; as another user with something
# missing, it names the packages and exits non-zero.
set -uo pipefail
cd "$(dirname "$0")/../.."
failures=0
check() {  # check NAME CONDITION...
  local name=$1; shift
  if "$@"; then echo "ok: $name"; else echo "FAILED: $name"; failures=$((failures + 1)); fi
}

# The unprivileged user may not read this checkout: it runs a copy.
copy=$(mktemp /tmp/parvis-setup-XXXXXX.sh)
trap 'rm -f "$copy"' EXIT
cp scripts/setup.sh "$copy"
chmod 755 "$copy"

if [ "$(id -u)" -eq 0 ]; then
  out=$(scripts/setup.sh 2>&1); code=$?
  check "root, nothing missing: exit 0" test "$code" -eq 0
  check "root, nothing missing: says so" grep -q "dependencies are installed" <<< "$out"

  # As an unprivileged user, with a package that does not exist.
  out=$(setpriv --reuid=65534 --regid=65534 --clear-groups \
        env EXTRA_DEBIAN_PACKAGES="parvis-no-such-package" bash "$copy" 2>&1); code=$?
  check "not root, missing: exit non-zero" test "$code" -ne 0
  check "not root, missing: names the package" grep -q "missing Debian packages: parvis-no-such-package" <<< "$out"
  check "not root, missing: says how to fix" grep -q "run as root" <<< "$out"

  out=$(cd / && setpriv --reuid=65534 --regid=65534 --clear-groups bash "$copy" 2>&1); code=$?
  check "not root, nothing missing: exit 0" test "$code" -eq 0
else
  out=$(EXTRA_DEBIAN_PACKAGES="parvis-no-such-package" scripts/setup.sh 2>&1); code=$?
  check "not root, missing: exit non-zero" test "$code" -ne 0
  check "not root, missing: names the package" grep -q "parvis-no-such-package" <<< "$out"
fi
echo "$failures failed"
test "$failures" -eq 0
