#!/bin/sh
# Installs what building and testing Pseudocitizen needs, and nothing when it is all there.
#
# Checks: g++, cmake, em++ (Emscripten), Eigen, xtensor/xtl, doctest, nlohmann-json,
# Chromium and a Japanese font (for the browser tests and their screenshots), and node_modules (npm ci). Missing Debian packages
# are installed with apt-get when running as root; otherwise the script names them and stops.
set -eu
cd "$(dirname "$0")/.."

missing=""
need() { # need PACKAGE TEST...
  pkg=$1
  shift
  if ! "$@" >/dev/null 2>&1; then missing="$missing $pkg"; fi
}
need g++ command -v g++
need make command -v make
need cmake command -v cmake
need emscripten command -v em++
need libeigen3-dev test -f /usr/include/eigen3/Eigen/Core
need xtensor-dev test -f /usr/include/xtensor/xarray.hpp
need xtl-dev test -f /usr/include/xtl/xtl_config.hpp
need doctest-dev test -f /usr/include/doctest/doctest.h
need nlohmann-json3-dev test -f /usr/include/nlohmann/json.hpp
need chromium test -x /usr/bin/chromium
need fonts-ipafont-gothic test -f /usr/share/fonts/opentype/ipafont-gothic/ipag.ttf

if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing Debian packages:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
  else
    echo "setup: these Debian packages are missing:$missing" >&2
    echo "setup: install them as root:  apt-get install$missing" >&2
    echo "setup: 足りないDebianパッケージがあります。root で上のコマンドを実行してください。" >&2
    exit 1
  fi
fi

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "setup: Node.js 20 or later and npm are needed (node, npm not found)." >&2
  exit 1
fi

# npm ci when node_modules is missing or older than the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
