#!/bin/sh
# run.sh - the performance reference (make bench).  Prints figures, judges
# nothing: simulated requests per wall second, events per second and peak
# RSS of the 1-hour and the 24-hour run of bench/bench-*.json, each the
# median of RUNS runs (default 3 for 1 h, BENCH_24H_RUNS=1 for 24 h), and
# the ratio of the two peak RSS figures.  Figures come from each run's
# engine.json (wall clock measured by ratesim around the run loop).
#
# Targets (issue 2): >= 1.5M simulated requests/s, >= 5M events/s,
# peak RSS < 64 MB, and the 24-hour run's peak RSS within 10% of the 1-hour's.
set -eu
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
RUNS_24H=${BENCH_24H_RUNS:-1}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

field() { # field NAME FILE: a number from engine.json
	sed -n "s/.*\"$1\":[[:space:]]*\([0-9.eE+-]*\).*/\1/p" "$2"
}

# run NAME N: prints the medians "requests_per_s events_per_s peak_rss_kb wall_s"
run() {
	name=$1; n=$2; i=0
	: > "$out/$name.rows"
	while [ "$i" -lt "$n" ]; do
		./build/ratesim run "bench/$name.json" -o "$out/$name" --no-charts --quiet
		e=$out/$name/engine.json
		echo "$(field requests_per_s "$e") $(field events_per_s "$e") $(field peak_rss_kb "$e") $(field wall_s "$e")" >> "$out/$name.rows"
		i=$((i + 1))
	done
	awk 'function med(a, k,  i,j,t) {
		for (i=1;i<=k;i++) for (j=i+1;j<=k;j++) if (a[j]<a[i]) { t=a[i]; a[i]=a[j]; a[j]=t }
		return (k%2) ? a[(k+1)/2] : (a[k/2]+a[k/2+1])/2 }
	{ r[NR]=$1; e[NR]=$2; m[NR]=$3; w[NR]=$4 }
	END { printf "%.0f %.0f %.0f %.3f\n", med(r,NR), med(e,NR), med(m,NR), med(w,NR) }' "$out/$name.rows"
}

set -- $(run bench-1h "$RUNS")
r1=$1 e1=$2 m1=$3 w1=$4
set -- $(run bench-24h "$RUNS_24H")
r2=$1 e2=$2 m2=$3 w2=$4
awk -v r1="$r1" -v e1="$e1" -v m1="$m1" -v w1="$w1" -v n1="$RUNS" \
    -v r2="$r2" -v e2="$e2" -v m2="$m2" -v w2="$w2" -v n2="$RUNS_24H" 'BEGIN {
	printf "%-9s %5s %14s %14s %12s %9s\n", "scenario", "runs", "requests/s", "events/s", "peak RSS MB", "wall s"
	printf "%-9s %5d %14.0f %14.0f %12.1f %9.2f\n", "1h", n1, r1, e1, m1/1024, w1
	printf "%-9s %5d %14.0f %14.0f %12.1f %9.2f\n", "24h", n2, r2, e2, m2/1024, w2
	printf "peak RSS 24h / 1h: %.3f\n", m2/m1
	print "targets: >= 1500000 requests/s, >= 5000000 events/s, peak RSS < 64 MB, RSS ratio <= 1.10"
}'
