# service.sh - the service model from the command line (docs/model.md, "A
# service that slows under load"): scenarios/metastable-timeouts.json is a
# compare with variants; its report has a row of client timeouts (shown only
# where some run has timeouts), on which a guarded variant beats the
# unguarded one; a compare without timeouts has no such row.
. tests/lib.sh

if "$RATESIM" compare scenarios/metastable-timeouts.json -r 2 -o "$TMP/meta" --quiet \
	--no-charts >"$TMP/out" 2>&1; then
	pass metastable-compare-runs
else
	fail metastable-compare-runs "$(cat "$TMP/out")"
fi
if grep -q '^| attempts timed out (client gave up) |' "$TMP/meta/report.md"; then
	pass metastable-report-has-timeouts
else
	fail metastable-report-has-timeouts "no timeouts row in $TMP/meta/report.md"
fi
if grep -q '^- attempts timed out (client gave up): adaptive has the lowest' "$TMP/meta/report.md"; then
	pass metastable-report-ranks-timeouts
else
	fail metastable-report-ranks-timeouts "$(grep 'timed out' "$TMP/meta/report.md")"
fi

if "$RATESIM" compare scenarios/compare-retry-1-none.json scenarios/compare-retry-3-full-jitter.json \
	-r 2 -o "$TMP/retry" --quiet --no-charts >"$TMP/out" 2>&1 &&
	! grep -q 'timed out' "$TMP/retry/report.md"; then
	pass no-timeouts-no-row
else
	fail no-timeouts-no-row "$(grep 'timed out' "$TMP/retry/report.md")"
fi
finish
