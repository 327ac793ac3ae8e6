#!/usr/bin/env bash
# Installs the Debian packages the build, the tests and the benchmark need,
# but only those that are missing. Safe to run repeatedly.
set -euo pipefail

need=()
command -v cmake >/dev/null 2>&1 || need+=(cmake)
command -v g++ >/dev/null 2>&1 || need+=(g++)
command -v make >/dev/null 2>&1 || need+=(make)
command -v python3 >/dev/null 2>&1 || need+=(python3)
[ -f /usr/include/doctest/doctest.h ] || need+=(doctest-dev)
# Baselines for `make bench` (gzip and xz are part of every Debian system).
for tool in bzip2 zstd brotli xz; do
  command -v "$tool" >/dev/null 2>&1 || need+=("$(case $tool in xz) echo xz-utils;; *) echo "$tool";; esac)")
done

# `install-deps.sh wasm`: also the WebAssembly toolchain and Node.js.
if [ "${1:-}" = wasm ]; then
  command -v emcc >/dev/null 2>&1 || need+=(emscripten)
  command -v node >/dev/null 2>&1 || need+=(nodejs)
  command -v npm >/dev/null 2>&1 || need+=(npm)
fi

# `install-deps.sh web`: Node.js and the headless Chromium that the web demo's
# end-to-end tests drive (playwright-core comes from web/package.json).
if [ "${1:-}" = web ]; then
  command -v node >/dev/null 2>&1 || need+=(nodejs)
  command -v npm >/dev/null 2>&1 || need+=(npm)
  [ -x /usr/bin/chromium ] || need+=(chromium)
  # A CJK font, so the Chinese example renders in the tests' screenshots.
  [ -d /usr/share/fonts/truetype/wqy ] || need+=(fonts-wqy-microhei)
fi

# `install-deps.sh bundlers`: Node.js, Chromium and Firefox ESR for the
# bundler and Firefox tests (tests/bundlers/; puppeteer-core drives both).
if [ "${1:-}" = bundlers ]; then
  command -v node >/dev/null 2>&1 || need+=(nodejs)
  command -v npm >/dev/null 2>&1 || need+=(npm)
  [ -x /usr/bin/chromium ] || need+=(chromium)
  [ -x /usr/bin/firefox-esr ] || need+=(firefox-esr)
fi

# `install-deps.sh matrix`: the determinism matrix (mk/matrix.mk): clang, the
# Debian cross compilers for aarch64 and s390x (big-endian) and qemu-user to
# run their static binaries; Node.js, Chromium and Firefox ESR for the
# WebAssembly columns.
if [ "${1:-}" = matrix ]; then
  command -v clang++ >/dev/null 2>&1 || need+=(clang)
  command -v aarch64-linux-gnu-g++ >/dev/null 2>&1 || need+=(g++-aarch64-linux-gnu)
  command -v s390x-linux-gnu-g++ >/dev/null 2>&1 || need+=(g++-s390x-linux-gnu)
  { command -v qemu-aarch64 >/dev/null 2>&1 && command -v qemu-s390x >/dev/null 2>&1; } || need+=(qemu-user)
  command -v node >/dev/null 2>&1 || need+=(nodejs)
  command -v npm >/dev/null 2>&1 || need+=(npm)
  [ -x /usr/bin/chromium ] || need+=(chromium)
  [ -x /usr/bin/firefox-esr ] || need+=(firefox-esr)
fi

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
echo "install-deps: installing ${need[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get install -y --no-install-recommends "${need[@]}"; then
  $SUDO apt-get update
  $SUDO apt-get install -y --no-install-recommends "${need[@]}"
fi
