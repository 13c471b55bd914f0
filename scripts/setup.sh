#!/usr/bin/env bash
# Installs every build and test dependency of Parvis from Debian 12's archive.
# Idempotent: packages already present are skipped, and nothing runs when all are there.
# As root it installs with apt-get; as another user it names what is missing and exits 1.
set -euo pipefail

# One package per line: what it is for is written beside it.
PACKAGES=(
  g++                          # C++20 compiler (g++ 12)
  cmake                        # build system (>= 3.25)
  ninja-build                  # fast parallel builds
  ccache                       # compile cache, used when present
  pkg-config                   # locates libsodium
  libboost1.81-dev             # Boost.Beast, Boost.Asio (headers)
  libboost-url1.81-dev         # Boost.URL
  libboost-system1.81-dev      # Boost.System (error_code)
  libsodium-dev                # Ed25519, AEAD, Argon2id, random
  librocksdb-dev               # storage engine
  rapidjson-dev                # JSON
  libssl-dev                   # RSA signatures and TLS
  openssl                      # test certificates and a TLS test server (s_server)
  libcli11-dev                 # command-line parser
  libspdlog-dev                # logs
  libgtest-dev                 # GoogleTest
  libgmock-dev                 # GoogleMock matchers
  libkainjow-mustache-dev      # HTML templates (web/templates)
  libcmark-gfm-dev             # Markdown of local posts (GitHub flavour, safe mode)
  libcmark-gfm-extensions-dev  # its autolink, strikethrough and table extensions
  libgumbo-dev                 # HTML5 parser for sanitising remote HTML
  libarchive-dev               # reading imported archives (tar, tar.gz, zip)
  chromium                     # headless browser for the page tests (tests/browser)
  clang                        # libFuzzer targets (tests/fuzz, scripts/fuzz.sh)
  libclang-rt-14-dev           # libFuzzer and sanitizer runtimes for clang
  python3-cryptography         # independent check of the e2ee test vectors (tests/vectors)
  libargon2-1                  # its Argon2id
)

# Operators may name more packages to install alongside (space-separated).
read -r -a EXTRA <<< "${EXTRA_DEBIAN_PACKAGES:-}"
PACKAGES+=("${EXTRA[@]}")

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$pkg")
  fi
done

# npm runs the test peers (tests/interop). The machine's Node.js may ship its
# own npm (nodesource's nodejs "Provides: npm"): only ask Debian for npm when
# there is none, or apt would replace that Node.js.
if ! command -v npm >/dev/null 2>&1; then
  missing+=(npm)
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} dependencies are installed"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "setup: missing Debian packages: ${missing[*]}" >&2
  echo "setup: run as root, or: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# The package lists may be absent on a fresh machine; refresh them once.
if ! apt-get install -y --no-install-recommends "${missing[@]}"; then
  apt-get update
  apt-get install -y --no-install-recommends "${missing[@]}"
fi
echo "setup: done"
