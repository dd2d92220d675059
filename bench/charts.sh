#!/bin/sh
# charts.sh - how long the charts of a long run take to draw (a benchmark
# figure: prints, judges nothing).  For the quickstart scenario run for 10
# and for 20 simulated days (--no-charts), the wall time of `ratesim plot`
# on the run folder (reading timeseries.csv, writing the chart data and
# scripts, gnuplot drawing every PNG and SVG), the size of timeseries.csv,
# and the size of the chart data files (.dat) and images.
#
# Target (issue 11): a 10-day run's charts in under 10 s, chart data under
# 5 MB (tests/cli/charts_all.sh asserts the size).
set -eu
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

now() { date +%s.%N; }
for days in 10 20; do
	dir=$out/d$days
	./build/ratesim run scenarios/quickstart.json --set duration_s=$((days * 86400)) \
		-o "$dir" --no-charts --quiet --force
	t0=$(now)
	./build/ratesim plot "$dir" --quiet
	t1=$(now)
	csv=$(wc -c < "$dir/timeseries.csv")
	dat=$(cat "$dir"/*.dat | wc -c)
	img=$(cat "$dir"/*.png "$dir"/*.svg | wc -c)
	echo "$days $t0 $t1 $csv $dat $img" | awk '{
		printf "charts of a %d-day run: %.2f s wall; timeseries.csv %.1f MB -> chart data %.2f MB, images %.2f MB\n",
			$1, $3 - $2, $4 / 1e6, $5 / 1e6, $6 / 1e6 }'
done
