# charts_all.sh - every chart of every shipped scenario and comparison set,
# drawn by the real gnuplot with no warning and no error: ratesim reports a
# gnuplot warning without failing, and this test fails on one.  Also: a
# comparison of candidates with 60-character names produces its charts and
# report, and a run of 10 simulated days keeps its chart data files bounded
# (its drawing time is a benchmark figure: bench/charts.sh).  And the test
# scenario with an outage shows it.
#
# Scenarios longer than SHORT_S run for SHORT_S (their warm-up, at most 600 s,
# and any fault starting before then are kept), so that the test takes
# seconds, not minutes.
. tests/lib.sh
SHORT_S=7200
DATA_MAX=5000000 # bytes: all chart data files (.dat) of the 10-day run

# duration NAME.json: the scenario's duration_s
duration() { sed -n 's/^ *"duration_s": *\([0-9.]*\).*/\1/p' "$1" | head -n 1; }

# clean NAME DIR: ratesim said nothing (--quiet: a warning would show), and
# every script in DIR has its PNG and SVG, non-empty.
clean() {
	name=$1; dir=$2
	bad=""
	[ -s "$TMP/err" ] && bad="stderr: $(head -n 3 "$TMP/err")"
	n=0
	for gp in "$dir"/*.gp; do
		[ -e "$gp" ] || continue
		n=$((n + 1))
		b=${gp%.gp}
		[ -s "$b.png" ] && [ -s "$b.svg" ] || bad="$bad $(basename "$b") not drawn"
	done
	[ "$n" -gt 0 ] || bad="$bad no chart at all"
	[ -z "$bad" ] && pass "$name" || fail "$name" "$bad"
}

for f in scenarios/*.json; do
	name=$(basename "$f" .json)
	case $name in schema) continue ;; esac
	set --
	d=$(duration "$f")
	[ -n "$d" ] && [ "${d%.*}" -gt "$SHORT_S" ] && set -- --set "duration_s=$SHORT_S"
	if "$RATESIM" run "$f" -o "$TMP/run/$name" --quiet "$@" 2>"$TMP/err"; then
		clean "run-$name" "$TMP/run/$name"
	else
		fail "run-$name" "exit $?: $(head -n 3 "$TMP/err")"
	fi
done

# The test scenario with an outage: drawn cleanly, and the outage shaded and
# labelled on the time charts, and visible on the errors chart.
if "$RATESIM" run tests/scenarios/outage.json -o "$TMP/outage" --quiet 2>"$TMP/err"; then
	clean run-outage "$TMP/outage"
	bad=""
	for c in throughput rate_429 errors latency; do
		grep -q "span_text\[1\] = 'eastus down'" "$TMP/outage/$c.gp" || bad="$bad $c"
	done
	[ -z "$bad" ] && pass outage-shaded || fail outage-shaded "no outage span in:$bad"
	# 5xx of a deployment during the outage (minutes 10 to 20; the gateway
	# retries elsewhere, so the clients' attempts see none)
	awk '!/^#/ && $1 >= 10 && $1 < 20 { for (i = 4; i <= NF; i++) if ($i > 0) found = 1 }
		END { exit !found }' \
		"$TMP/outage/errors.dat" && pass outage-errors || fail outage-errors "no 5xx drawn"
else
	fail run-outage "exit $?: $(head -n 3 "$TMP/err")"
fi

# Each comparison set: compare-SET-*.json.
for set in $(ls scenarios/compare-*.json | sed 's|.*/compare-\([^-]*\)-.*|\1|' | sort -u); do
	set -- scenarios/compare-"$set"-*.json
	d=$(duration "$1")
	extra=""
	[ -n "$d" ] && [ "${d%.*}" -gt "$SHORT_S" ] && extra="duration_s=$SHORT_S"
	if "$RATESIM" compare "$@" -o "$TMP/cmp/$set" --quiet ${extra:+--set "$extra"} \
		2>"$TMP/err"; then
		clean "compare-$set" "$TMP/cmp/$set"
	else
		fail "compare-$set" "exit $?: $(head -n 3 "$TMP/err")"
	fi
done

# Two candidates with 60-character names (in the quickstart, 5 minutes).
long=a-candidate-for-the-design-review-with-a-name-of-sixty-chars
for i in 1 2; do
	sed "s/\"name\": \"quickstart\"/\"name\": \"${long%??}-$i\"/" scenarios/quickstart.json \
		> "$TMP/long$i.json"
done
[ ${#long} -eq 60 ] || fail long-name-length "${#long}"
if "$RATESIM" compare "$TMP/long1.json" "$TMP/long2.json" -o "$TMP/long" --quiet \
	--set duration_s=300 2>"$TMP/err"; then
	clean compare-long-names "$TMP/long"
	[ -s "$TMP/long/report.html" ] && pass long-names-report || fail long-names-report "none"
else
	fail compare-long-names "exit $?: $(head -n 3 "$TMP/err")"
fi

# Six candidates (lettered bars, names in two columns): drawn cleanly.
for i in 1 2 3 4 5 6; do
	sed "s/\"name\": \"quickstart\"/\"name\": \"candidate-name-0$i\"/" scenarios/quickstart.json \
		> "$TMP/six$i.json"
done
if "$RATESIM" compare "$TMP"/six?.json -o "$TMP/six" --quiet --set duration_s=180 \
	2>"$TMP/err"; then
	clean compare-six "$TMP/six"
else
	fail compare-six "exit $?: $(head -n 3 "$TMP/err")"
fi

# 10 simulated days: chart data bounded (CHART_MAX_POINTS points a series).
if "$RATESIM" run scenarios/quickstart.json --set duration_s=864000 -o "$TMP/days" \
	--quiet 2>"$TMP/err"; then
	clean ten-days-charts "$TMP/days"
	size=$(cat "$TMP/days"/*.dat | wc -c)
	[ "$size" -lt "$DATA_MAX" ] && pass "ten-days-data-bounded ($size bytes)" ||
		fail ten-days-data-bounded "$size bytes of .dat, want < $DATA_MAX"
else
	fail ten-days "exit $?: $(head -n 3 "$TMP/err")"
fi
finish
