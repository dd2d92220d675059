# charts.sh - the charts of a run and of a comparison, as a user gets them:
# every chart a valid PNG and SVG, every script clean under gnuplot (exit 0,
# nothing on stderr: a warning fails), `plot` re-rendering the same bytes,
# `compare` writing its charts and reports, the figures of the report equal
# to the summaries', and the behaviour without gnuplot.
. tests/lib.sh
Q=scenarios/quickstart.json
RUN_CHARTS="throughput rate_429 errors latency latency_cdf outcomes"
CMP_CHARTS="compare_rate_429 compare_throughput compare_latency compare_summary"

# A PNG: the signature and more than 10 kB (a 1280x720 chart with text).
png_ok() {
	[ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] &&
		[ "$(wc -c < "$1")" -gt 10000 ]
}
# An SVG: XML that opens with <?xml or <svg and closes </svg>, over 5 kB.
svg_ok() {
	head -c 5 "$1" | grep -Eq '^(<\?xml|<svg)' && grep -q '</svg>' "$1" &&
		[ "$(wc -c < "$1")" -gt 5000 ]
}
# check_charts NAME DIR CHART...: each chart's PNG and SVG are valid.
check_charts() {
	name=$1; dir=$2; shift 2
	bad=""
	for c in "$@"; do
		png_ok "$dir/$c.png" || bad="$bad $c.png"
		svg_ok "$dir/$c.svg" || bad="$bad $c.svg"
	done
	ls -A "$dir" | grep -Eq '\.tmp$|gnuplot-stderr' && bad="$bad (temporary files left)"
	[ -z "$bad" ] && pass "$name" || fail "$name" "invalid or missing:$bad"
}

# ---- one run ----------------------------------------------------------------
if "$RATESIM" run "$Q" -o "$TMP/q" --quiet 2>"$TMP/err"; then
	[ -s "$TMP/err" ] && fail run-silent "stderr: $(cat "$TMP/err")" || pass run-silent
	check_charts run-charts "$TMP/q" $RUN_CHARTS
	[ ! -e "$TMP/q/utilisation.png" ] && [ ! -e "$TMP/q/utilisation.gp" ] &&
		pass no-utilisation-without-ptu || fail no-utilisation-without-ptu "drawn"
else
	fail run-charts "run failed: $(cat "$TMP/err")"
fi

# Every script, run by hand in both formats from another folder: exit 0 and
# not a byte on stderr.
bad=""
for c in $RUN_CHARTS; do
	for f in png svg; do
		(cd / && gnuplot -c "$TMP/q/$c.gp" "$TMP/hand.$f" "$f") 2>"$TMP/gp.err" ||
			bad="$bad $c.$f(exit $?)"
		[ -s "$TMP/gp.err" ] && bad="$bad $c.$f($(head -n 1 "$TMP/gp.err"))"
	done
	cmp -s "$TMP/hand.png" "$TMP/q/$c.png" || bad="$bad $c.png(differs)"
done
[ -z "$bad" ] && pass gnuplot-clean || fail gnuplot-clean "$bad"

# plot re-renders the same bytes from the run's files
mkdir "$TMP/before"
cp "$TMP/q"/*.png "$TMP/q"/*.svg "$TMP/q"/*.dat "$TMP/q"/*.gp "$TMP/before/"
rm "$TMP/q"/*.png
if "$RATESIM" plot "$TMP/q" --quiet 2>"$TMP/err"; then
	bad=""
	for f in "$TMP/before"/*; do
		cmp -s "$f" "$TMP/q/$(basename "$f")" || bad="$bad $(basename "$f")"
	done
	[ -z "$bad" ] && pass plot-identical || fail plot-identical "differ:$bad"
else
	fail plot-identical "plot failed: $(cat "$TMP/err")"
fi
expect plot-not-a-run 1 "ratesim: $TMP/none/timeseries.csv: cannot open: No such file or directory" -- plot "$TMP/none"

# ---- a comparison -----------------------------------------------------------
if "$RATESIM" compare scenarios/compare-ptu-1-alone.json scenarios/compare-ptu-2-spillover.json \
	-r 3 -o "$TMP/c" >"$TMP/out" 2>"$TMP/err"; then
	check_charts compare-charts "$TMP/c" $CMP_CHARTS
	ok=1
	for cand in ptu-only ptu-with-spillover; do
		for k in 1 2 3; do [ -s "$TMP/c/$cand/rep-$k/summary.json" ] || ok=0; done
		grep -q '"ci95":' "$TMP/c/$cand/summary.json" || ok=0
	done
	[ $ok = 1 ] && pass compare-replications || fail compare-replications "$(ls -R "$TMP/c" | head)"
	grep -q "^ratesim: comparison in $TMP/c/ (report.html, report.md" "$TMP/out" &&
		pass compare-says-where || fail compare-says-where "$(cat "$TMP/out")"
	[ "$(grep -o 'data:image/svg+xml;base64,' "$TMP/c/report.html" | wc -l)" -eq 4 ] &&
		pass report-html-embeds || fail report-html-embeds "not 4 embedded SVGs"
	grep -q 'src="[^d]' "$TMP/c/report.html" && fail report-html-self-contained "links a file" ||
		pass report-html-self-contained
	# the table shows mean +- half-width (the unit test holds every cell
	# against the replications' files)
	grep -Eq '^\| requests offered \| [0-9]+ \+- [0-9]+ \| [0-9]+ \+- [0-9]+ \|$' "$TMP/c/report.md" &&
		pass report-figures || fail report-figures "$(grep '^| requests offered' "$TMP/c/report.md")"
	grep -q '^- final failures: ' "$TMP/c/report.md" &&
		pass report-verdicts || fail report-verdicts "$(grep '^- ' "$TMP/c/report.md")"
else
	fail compare-charts "compare failed: $(cat "$TMP/err")"
fi

# another comparison into the folder of an earlier one is refused, unless
# --force; then with --no-charts its charts go, and the report says there
# are none
expect compare-other-plan 1 "ratesim: $TMP/c: holds the results of another plan (base seed 2024, not 42); use --force to replace them, or another -o" -- compare "$Q" "$Q" -o "$TMP/c" --no-charts --quiet --set duration_s=300
if "$RATESIM" compare "$Q" "$Q" -o "$TMP/c" --no-charts --quiet --set duration_s=300 --force; then
	if ls "$TMP/c" | grep -q '^compare_'; then
		fail compare-stale-charts "left: $(ls "$TMP/c" | grep '^compare_' | tr '\n' ' ')"
	elif ! grep -q 'No charts were drawn' "$TMP/c/report.md"; then
		fail compare-stale-charts "the report shows charts"
	else
		pass compare-stale-charts
	fi
else
	fail compare-stale-charts "compare failed"
fi

# the same scenario twice: a suffix; --no-charts draws nothing
if "$RATESIM" compare "$Q" "$Q" -o "$TMP/d" --no-charts --quiet --set duration_s=300; then
	[ -f "$TMP/d/quickstart/summary.json" ] && [ -f "$TMP/d/quickstart-2/summary.json" ] &&
		pass compare-duplicate-names || fail compare-duplicate-names "$(ls "$TMP/d")"
	ls "$TMP/d" | grep -q '\.png$' && fail compare-no-charts "drawn" || pass compare-no-charts
	cmp -s "$TMP/d/quickstart/summary.json" "$TMP/d/quickstart-2/summary.json" &&
		pass compare-same-seed || fail compare-same-seed "two runs of one file differ"
else
	fail compare-duplicate-names "compare failed"
fi

# bad input: the messages and exit codes of run
expect compare-one-file 2 "ratesim: compare needs two scenario files, or one with a \"variants\" list ($Q has none)
try 'ratesim --help'" -- compare "$Q"
expect compare-missing-file 1 "ratesim: $TMP/none.json: cannot open: No such file or directory" -- compare "$Q" "$TMP/none.json" -o "$TMP/e"
expect compare-bad-set 2 "ratesim: --set clients[3].x=1: .clients[3]: no such element (.clients has 1 element)
try 'ratesim --help'" -- compare "$Q" "$Q" --set 'clients[3].x=1'
[ ! -e "$TMP/e" ] && pass compare-checks-before-running || fail compare-checks-before-running "ran"

# ---- without gnuplot --------------------------------------------------------
NOGP="$TMP/no-gnuplot-here"
mkdir "$NOGP"
W="ratesim: warning: gnuplot not found: install the gnuplot-nox package (apt-get install gnuplot-nox)"
if env PATH="$NOGP" "$RATESIM" run "$Q" -o "$TMP/n" --quiet 2>"$TMP/err"; then
	grep -q "^$W; charts not drawn in $TMP/n " "$TMP/err" && [ -s "$TMP/n/throughput.gp" ] &&
		[ -s "$TMP/n/throughput.dat" ] && [ ! -e "$TMP/n/throughput.png" ] &&
		pass no-gnuplot-warns || fail no-gnuplot-warns "$(cat "$TMP/err")"
else
	fail no-gnuplot-warns "exit $? without gnuplot: $(cat "$TMP/err")"
fi
env PATH="$NOGP" "$RATESIM" plot "$TMP/n" 2>"$TMP/err"
rc=$?
[ $rc -eq 1 ] && [ "$(cat "$TMP/err")" = "ratesim: gnuplot not found: install the gnuplot-nox package (apt-get install gnuplot-nox)" ] &&
	pass no-gnuplot-plot-fails || fail no-gnuplot-plot-fails "exit $rc: $(cat "$TMP/err")"
if env PATH="$NOGP" "$RATESIM" compare "$Q" "$Q" -o "$TMP/nc" --quiet --set duration_s=300 2>"$TMP/err"; then
	[ "$(grep -c 'warning: gnuplot not found' "$TMP/err")" -eq 1 ] && [ -s "$TMP/nc/report.html" ] &&
		pass no-gnuplot-compare || fail no-gnuplot-compare "$(cat "$TMP/err")"
else
	fail no-gnuplot-compare "exit $?: $(cat "$TMP/err")"
fi

"$RATESIM" --help | grep -q '^  compare FILE FILE' && pass help-compare || fail help-compare "not in --help"
finish
