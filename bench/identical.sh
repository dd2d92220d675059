#!/bin/sh
# identical.sh - is a build's every result byte-identical to a reference
# build's?  Speed work (issue 13) must not change a result; the three
# digests of tests/cli/digests.sh hold three scenarios in every `make test`,
# this holds every shipped one, on demand.
#
#     sh bench/identical.sh REF [NEW]
#
# REF and NEW are ratesim executables (NEW defaults to ./build/ratesim).
# Every scenarios/*.json that `ratesim run` accepts (schema.json and the
# compare candidates included) runs under both, with no charts, twice: with
# --log-requests, and without it (a run without the log takes fast paths a
# logged run does not: completions ahead, attempt.c), in full (about a
# minute for the set), or for at most MAX_S simulated seconds when MAX_S is
# set; summary.json, timeseries.csv and requests.csv must match byte for
# byte (engine.json, which holds the wall clock and the RSS, is not
# compared).  Prints one line per scenario and pass; exits 1 if any
# differs.
set -eu
cd "$(dirname "$0")/.."
REF=$1
NEW=${2:-./build/ratesim}
MAX_S=${MAX_S:-}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
bad=0
for f in scenarios/*.json; do
	s=$(basename "$f" .json)
	[ "$s" = schema ] && continue
	# a shorter run: only where the scenario runs longer than MAX_S
	d=$(sed -n 's/^[[:space:]]*"duration_s":[[:space:]]*\([0-9.eE+]*\).*/\1/p' "$f" | head -1)
	set --
	if [ -n "$MAX_S" ] && [ -n "$d" ] && awk -v d="$d" -v m="$MAX_S" 'BEGIN { exit !(d > m) }'; then
		set -- --set "duration_s=$MAX_S"
	fi
	for log in --log-requests ""; do
		pass=${log:+logged}
		pass=${pass:-plain}
		for b in ref new; do
			exe=$REF
			[ "$b" = new ] && exe=$NEW
			rm -rf "$out/$b-$s"
			if ! "$exe" run "$f" -o "$out/$b-$s" --quiet --no-charts $log --force "$@" \
				>/dev/null 2>"$out/$b-$s.err"; then
				echo "$s ($pass): $b build refused or failed: $(head -c 300 "$out/$b-$s.err")"
			fi
		done
		same=1
		for o in summary.json timeseries.csv requests.csv; do
			if [ -f "$out/ref-$s/$o" ] || [ -f "$out/new-$s/$o" ]; then
				cmp -s "$out/ref-$s/$o" "$out/new-$s/$o" ||
					{ same=0; echo "$s ($pass): $o differs"; }
			fi
		done
		[ "$same" = 1 ] && echo "$s ($pass): identical" || bad=1
	done
done
exit "$bad"
