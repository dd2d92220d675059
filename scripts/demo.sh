#!/bin/sh
# demo.sh - run the quickstart scenario and say where its results are.
set -eu
cd "$(dirname "$0")/.."
out=results/quickstart
./build/ratesim run scenarios/quickstart.json -o "$out" --force # the demo replaces its own results
echo
echo "Summary:  $out/summary.json"
echo "Series:   $out/timeseries.csv"
if [ -f "$out/throughput.png" ]; then
	echo "Chart:    $out/throughput.png"
fi
