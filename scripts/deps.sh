#!/bin/sh
# deps.sh - install what ratesim needs on Debian/Ubuntu, if anything is missing.
#
# Needs: a C compiler and make (build-essential), pkg-config, GSL (libgsl-dev),
# cJSON (libcjson-dev) and gnuplot (gnuplot-nox, for the charts); clang for
# the sanitizer build and the fuzzers of .ci/run (issue 12).
# Installs with apt-get as root, or through sudo when it needs no password;
# otherwise prints the exact command to run and exits 1.
set -u
PKGS="build-essential pkg-config libgsl-dev libcjson-dev gnuplot-nox clang"

missing=""
command -v cc >/dev/null 2>&1 || missing="$missing build-essential"
command -v make >/dev/null 2>&1 || missing="$missing build-essential"
command -v pkg-config >/dev/null 2>&1 || missing="$missing pkg-config"
if command -v pkg-config >/dev/null 2>&1; then
	pkg-config --exists gsl || missing="$missing libgsl-dev"
	pkg-config --exists libcjson || missing="$missing libcjson-dev"
else
	missing="$missing libgsl-dev libcjson-dev"
fi
command -v gnuplot >/dev/null 2>&1 || missing="$missing gnuplot-nox"
# issue 12: clang for `make CC=clang SANITIZE=1 test` and `make fuzz`
command -v clang >/dev/null 2>&1 || missing="$missing clang"

[ -z "$missing" ] && exit 0

# Unique, in a stable order.
missing=$(for p in $PKGS; do case " $missing " in *" $p "*) printf '%s ' "$p" ;; esac; done)
echo "ratesim: installing missing packages: $missing" >&2

if [ "$(id -u)" = 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	SUDO="sudo"
else
	echo "ratesim: cannot install packages without root. Run:" >&2
	echo "  sudo apt-get update && sudo apt-get install -y $missing" >&2
	exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
	echo "ratesim: no apt-get here; install these packages (or their equivalents): $missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >&2 || exit 1
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >&2 || exit 1
