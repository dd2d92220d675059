#!/bin/sh
# deps.sh [--test] - install what ratesim needs on Debian/Ubuntu, if anything
# is missing.
#
# Needs: a C compiler and make (build-essential), pkg-config, GSL (libgsl-dev),
# cJSON (libcjson-dev) and gnuplot (gnuplot-nox, for the charts).  With
# --test (make test), also what the tests run for real: GNU parallel, a
# single-node Slurm with munge, and clang for the sanitizer build and the
# fuzzers of .ci/run.
# Installs with apt-get as root, or through sudo when it needs no password;
# otherwise prints the exact command to run and exits 1.
set -u
PKGS="build-essential pkg-config libgsl-dev libcjson-dev gnuplot-nox"

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
# --- engine tests (tests/engines/*.sh) -------------------------------------
if [ "${1:-}" = --test ]; then
# GNU parallel and a single-node Slurm (slurmctld, slurmd, the client tools
# sbatch/sinfo/squeue, and munge for its authentication) run the emitted jobs
# files for real.  moreutils also ships a `parallel`: only GNU's will do.
PKGS="$PKGS parallel slurmctld slurmd slurm-client munge"
has() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ]; }
parallel --version 2>/dev/null | grep -q 'GNU parallel' || missing="$missing parallel"
has slurmctld || missing="$missing slurmctld"
has slurmd || missing="$missing slurmd"
has sbatch && has sinfo && has squeue || missing="$missing slurm-client"
has munged && has munge || missing="$missing munge"
# clang for the sanitizer suite (`make CC=clang SANITIZE=1 test`) and `make fuzz`
PKGS="$PKGS clang"
command -v clang >/dev/null 2>&1 || missing="$missing clang"
fi
# --- end of engine tests block ---------------------------------------------

[ -z "$missing" ] && exit 0

# Unique, in a stable order.
missing=$(for p in $PKGS; do case " $missing " in *" $p "*) printf '%s ' "$p" ;; esac; done)

if [ "$(id -u)" = 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	SUDO="sudo"
else
	echo "ratesim: missing packages: $missing" >&2
	echo "ratesim: run as root:  apt-get update && apt-get install -y $missing" >&2
	exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
	echo "ratesim: no apt-get here; install these packages (or their equivalents): $missing" >&2
	exit 1
fi
echo "ratesim: installing missing packages: $missing" >&2
export DEBIAN_FRONTEND=noninteractive
# apt and dpkg print a line per package (hundreds with Slurm): keep them in
# a log and show its end only when something fails.
log=$(mktemp) || exit 1
# shellcheck disable=SC2086
if ! { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends $missing; } >"$log" 2>&1; then
	echo "ratesim: apt-get failed; the end of its output:" >&2
	tail -n 30 "$log" >&2
	rm -f "$log"
	exit 1
fi
rm -f "$log"
echo "ratesim: installed $missing" >&2
