#!/bin/sh
# decide.sh - the decision layer's figures for `make bench` (prints, judges
# nothing):
#   1. 16 replications of the 1-hour reference (bench/bench-1h.json) with
#      -j 1 and with -j 2: wall seconds (median of DECIDE_RUNS rounds,
#      default 1) and the speed-up;
#   2. the overhead of the decision layer over the bare runs: the same 16
#      runs as plain `ratesim run` lines of the jobs file, one after the
#      other, against `run -r 16 -j 1` (pool, collect, aggregates);
#   3. a sizing search on scenarios/ptu-spillover.json (PTU from 50 to 400,
#      the quota raised so that they fit; target: the PTU deployment's 429
#      rate <= 1%) with 10 replications per value: runs needed, wall time.
# Targets (issue 8): speed-up >= 1.8 on 2 cores; overhead <= 5%.
set -eu
cd "$(dirname "$0")/.."
RUNS=${DECIDE_RUNS:-1} # each round is about a minute on a quiet 2-core machine
R=16
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
B=./build/ratesim

now() { date +%s.%N; }
# median of the numbers on stdin
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# timed CMD...: wall seconds of one run of CMD
timed() {
	t0=$(now)
	"$@" >/dev/null 2>&1
	t1=$(now)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'
}

i=0
: > "$out/j1"; : > "$out/j2"; : > "$out/bare"
while [ "$i" -lt "$RUNS" ]; do
	rm -rf "$out/a" "$out/b" "$out/c"
	timed $B run bench/bench-1h.json -r $R -j 1 --no-charts --quiet -o "$out/a" >> "$out/j1"
	timed $B run bench/bench-1h.json -r $R -j 2 --no-charts --quiet -o "$out/b" >> "$out/j2"
	$B run bench/bench-1h.json -r $R --no-charts --quiet --emit-jobs "$out/jobs.txt" -o "$out/c" 2>/dev/null
	timed sh "$out/jobs.txt" >> "$out/bare"
	i=$((i + 1))
done
j1=$(median < "$out/j1")
j2=$(median < "$out/j2")
bare=$(median < "$out/bare")

rm -rf "$out/s"
t0=$(now)
$B size scenarios/ptu-spillover.json --set 'quotas[0].ptu=1000' --param 'deployments[0].ptu' \
	--target 'deployments[0].rate_429<=0.01' --max 400 -r 10 --no-charts -o "$out/s" > "$out/size.txt"
t1=$(now)
values=$(($(wc -l < "$out/s/size.csv") - 1))

awk -v r="$R" -v n="$RUNS" -v j1="$j1" -v j2="$j2" -v bare="$bare" 'BEGIN {
	printf "decisions: %d replications of bench-1h, median of %d\n", r, n
	printf "  -j 1: %.2f s   -j 2: %.2f s   speed-up %.2f (target >= 1.8 on 2 cores)\n", j1, j2, j1 / j2
	printf "  bare runs one after the other: %.2f s; run -r %d -j 1: %.2f s; overhead %.1f%% (target <= 5%%)\n", bare, r, j1, 100 * (j1 - bare) / bare
}'
awk -v a="$t0" -v b="$t1" -v v="$values" 'BEGIN {
	printf "size search (ptu-spillover, 10 replications per value): %d values, %d runs, %.2f s\n", v, 10 * v, b - a
}'
sed 's/^/  /' "$out/size.txt"
