#!/bin/sh
# run.sh - the performance reference (make bench).  Prints figures, judges
# nothing.
#
# Section 1, figures of this build: simulated requests per wall second,
# simulated events per second (engine.json's events) and peak RSS of the 1-hour and the 24-hour run of
# bench/bench-*.json, each the median of RUNS runs (default 3 for 1 h,
# BENCH_24H_RUNS=1 for 24 h), and the ratio of the two peak RSS figures.
# Figures come from each run's engine.json (wall clock measured by ratesim
# around the run loop, peak RSS from getrusage).
#
# Section 2, against a reference build (only when BENCH_REF is set): the
# 1-hour run of this build (A) and of the reference (B) in turn, A B B A ...,
# BENCH_PAIRS pairs (default 7), and the median of the pairs' ratios A/B of
# requests/s, events/s and peak RSS (with both builds' counts of simulated
# events: where they are equal, the events/s ratio is the requests/s one).  Pairing keeps the ratio meaningful on a
# machine whose speed drifts (a shared one); quote the median, and the
# min-max to show the noise.  BENCH_REF is a ratesim executable, or a git
# revision of this repository (built in a temporary directory with make),
# e.g.  BENCH_REF=main make bench.  Both builds must give the same results:
# the section compares the two summary.json files and says so.
#
# Section 1b, the request log's cost (issue 10 part 6): the 1-hour run
# without and with --log-requests in turn, BENCH_LOG_PAIRS pairs (default
# 3), and the median of the pairs' wall-clock ratios (with / without), with
# the min-max; and requests.csv's bytes per row and per million attempts.
# Target: the ratio at most 3.
#
# Targets (issue 13): >= 4M simulated requests/s, >= 9M events/s on the
# 1-hour reference (quiet machine), peak RSS no higher than the reference
# build's, and the 24-hour run's peak RSS within 10% of the 1-hour's.
set -eu
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
RUNS_24H=${BENCH_24H_RUNS:-1}
PAIRS=${BENCH_PAIRS:-7}
LOG_PAIRS=${BENCH_LOG_PAIRS:-3}
REF=${BENCH_REF:-}
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
		./build/ratesim run "bench/$name.json" -o "$out/$name" --no-charts --quiet --force
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
	print "targets: >= 4000000 requests/s, >= 9000000 events/s (1h, quiet machine), RSS ratio <= 1.10"
	print "  (twice the build before the speed work, which ran 2.0M and 4.6M: BENCH_REF=536b9d5 measures the ratio)"
}'

# ---- section 1b: the request log's cost ---------------------------------------

# logged_cost: the pairs' wall ratios with / without the request log, and
# the size of requests.csv.
logged_cost() {
	: > "$out/log-pairs"
	i=0
	while [ "$i" -lt "$LOG_PAIRS" ]; do
		./build/ratesim run bench/bench-1h.json -o "$out/plain" --no-charts --quiet --force
		./build/ratesim run bench/bench-1h.json -o "$out/logged" --no-charts --quiet --force --log-requests
		echo "$(field wall_s "$out/logged/engine.json") $(field wall_s "$out/plain/engine.json")" |
			awk '{ printf "%.6f\n", $1 / $2 }' >> "$out/log-pairs"
		i=$((i + 1))
	done
	bytes=$(wc -c < "$out/logged/requests.csv")
	rows=$(($(wc -l < "$out/logged/requests.csv") - 1))
	ratio=$(median < "$out/log-pairs")
	lo=$(sort -g "$out/log-pairs" | head -n 1)
	hi=$(sort -g "$out/log-pairs" | tail -n 1)
	rm -f "$out/logged/requests.csv"
	echo "request log (--log-requests), 1h, $LOG_PAIRS pairs in turn (with / without):"
	printf "  wall ratio: median %.3f (min %.3f, max %.3f); target <= 3\n" "$ratio" "$lo" "$hi"
	awk -v b="$bytes" -v n="$rows" 'BEGIN {
		printf "  requests.csv: %d rows, %.1f MB, %.1f bytes a row: %.0f MB per million rows (attempts)\n",
			n, b / 1e6, b / n, b / n }'
}

# ---- section 2: this build against a reference build ----------------------

# median: the median of the numbers on standard input, one a line.
median() {
	sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1
		print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# one BINARY DIR: the 1-hour reference with BINARY into DIR; prints
# "requests_per_s peak_rss_kb events_per_s" from its engine.json.
one() {
	"$1" run bench/bench-1h.json -o "$2" --no-charts --quiet --force
	echo "$(field requests_per_s "$2/engine.json") $(field peak_rss_kb "$2/engine.json")" \
		"$(field events_per_s "$2/engine.json")"
}

# ref_binary: the reference executable, building a git revision if need be.
ref_binary() {
	if [ -x "$REF" ] && [ ! -d "$REF" ]; then
		echo "$REF"
		return
	fi
	if ! git rev-parse --verify --quiet "$REF^{commit}" >/dev/null; then
		echo "bench: BENCH_REF=$REF is neither an executable nor a git revision" >&2
		return 1
	fi
	mkdir -p "$out/ref-src"
	git archive "$REF" | tar -x -C "$out/ref-src"
	echo "bench: building the reference $REF ($(git rev-parse --short "$REF"))" >&2
	make -C "$out/ref-src" --no-print-directory all >"$out/ref-build.log" 2>&1 || {
		echo "bench: the reference did not build; see its log:" >&2
		tail -n 20 "$out/ref-build.log" >&2
		return 1
	}
	echo "$out/ref-src/build/ratesim"
}

against_reference() {
	ref=$(ref_binary) || return 1
	: > "$out/pairs"
	i=0
	while [ "$i" -lt "$PAIRS" ]; do
		# A B, then B A: a drift of the machine's speed within a pair
		# favours neither build
		if [ $((i % 2)) -eq 0 ]; then
			set -- $(one ./build/ratesim "$out/a") $(one "$ref" "$out/b")
		else
			set -- $(one "$ref" "$out/b") $(one ./build/ratesim "$out/a")
			set -- "$4" "$5" "$6" "$1" "$2" "$3"
		fi
		ra=$1 ma=$2 ea=$3 rb=$4 mb=$5 eb=$6
		echo "$ra $rb $ma $mb $ea $eb" |
			awk '{ printf "%.6f %.6f %.6f\n", $1 / $2, $3 / $4, $5 / $6 }' >> "$out/pairs"
		i=$((i + 1))
	done
	same="the same"
	cmp -s "$out/a/summary.json" "$out/b/summary.json" || same="DIFFERENT"
	speed=$(cut -d' ' -f1 "$out/pairs" | median)
	rss=$(cut -d' ' -f2 "$out/pairs" | median)
	events=$(cut -d' ' -f3 "$out/pairs" | median)
	na=$(field events "$out/a/engine.json")
	nb=$(field events "$out/b/engine.json")
	lo=$(cut -d' ' -f1 "$out/pairs" | sort -g | head -n 1)
	hi=$(cut -d' ' -f1 "$out/pairs" | sort -g | tail -n 1)
	quart=$(cut -d' ' -f1 "$out/pairs" | sort -g |
		awk '{ v[NR] = $1 } END { printf "%.3f %.3f", v[int(NR / 4) + 1], v[int(3 * NR / 4) + 1] }')
	echo "against $REF, 1h, $PAIRS pairs in turn (this build / reference):"
	printf "  requests/s ratio: median %.3f (quartiles %s, min %.3f, max %.3f)\n" "$speed" \
		"$(echo "$quart" | sed 's/ / to /')" "$lo" "$hi"
	printf "  events/s ratio:   median %.3f (events simulated: %s here, %s there)\n" "$events" \
		"$na" "$nb"
	printf "  peak RSS ratio:   median %.3f\n" "$rss"
	echo "  summary.json: $same"
}

logged_cost

if [ -n "$REF" ]; then
	against_reference
fi
