# run.sh - ratesim run/validate/plot as a user calls them.
. tests/lib.sh
Q=scenarios/quickstart.json

"$RATESIM" --help >"$TMP/help" 2>&1 && grep -q '^Usage: ratesim COMMAND' "$TMP/help" &&
	grep -q 'Exit status' "$TMP/help" && pass help || fail help "no usage on stdout"
"$RATESIM" --version | grep -Eq '^ratesim [0-9]+\.[0-9]+\.[0-9]+$' && pass version || fail version "bad version line"

"$RATESIM" validate "$Q" >"$TMP/v" 2>&1 && grep -q 'valid' "$TMP/v" && pass validate || fail validate "$(cat "$TMP/v")"

# run writes every documented file, no temporary left behind
if "$RATESIM" run "$Q" -o "$TMP/a" --quiet --log-requests; then
	ok=1
	for f in summary.json timeseries.csv engine.json requests.csv throughput.png throughput.gp throughput.dat; do
		[ -s "$TMP/a/$f" ] || { fail "run-writes-$f" "missing or empty"; ok=0; }
	done
	ls "$TMP/a" | grep -q '\.tmp$' && { fail run-no-tmp "a .tmp file was left"; ok=0; }
	[ $ok = 1 ] && pass run-writes-every-file
else
	fail run-writes-every-file "run failed"
fi

# the same run again: byte-identical summary and series; another seed differs
"$RATESIM" run "$Q" -o "$TMP/b" --quiet --no-charts
cmp -s "$TMP/a/summary.json" "$TMP/b/summary.json" && cmp -s "$TMP/a/timeseries.csv" "$TMP/b/timeseries.csv" &&
	pass deterministic || fail deterministic "outputs differ between two identical runs"
"$RATESIM" run "$Q" -o "$TMP/c" --quiet --no-charts --seed 7
cmp -s "$TMP/a/summary.json" "$TMP/c/summary.json" && fail seed-changes-run "same summary for seed 7" || pass seed-changes-run
[ ! -e "$TMP/b/throughput.png" ] && pass no-charts || fail no-charts "chart drawn"

# --set overrides a value: the sweep idiom
"$RATESIM" run "$Q" -o "$TMP/d" --quiet --no-charts --set 'deployments[0].tpm=50000'
grep -q '"scenario":	"quickstart"' "$TMP/d/summary.json" && ! cmp -s "$TMP/b/summary.json" "$TMP/d/summary.json" &&
	pass set-overrides || fail set-overrides "override had no effect"

# requests.csv: header (its first eleven columns as before issue 10; the
# whole header in reqlog.sh) and one row per attempt
head -n 1 "$TMP/a/requests.csv" | grep -q '^time_s,request_id,attempt,client,deployment,status,duration_ms,prompt_tokens,completion_tokens,retry_after_ms,spilled,answered_s,' &&
	pass requests-header || fail requests-header "$(head -n 1 "$TMP/a/requests.csv")"
rows=$(($(wc -l < "$TMP/a/requests.csv") - 1))
[ "$rows" -gt 1000 ] && pass requests-rows || fail requests-rows "$rows rows"
grep -q ',429,' "$TMP/a/requests.csv" && pass requests-has-429 || fail requests-has-429 "no 429 row"

# timeseries.csv: documented header; rows = buckets x scopes (90 buckets x 3 scopes)
head -n 1 "$TMP/a/timeseries.csv" | grep -q '^t_s,scope,name,offered,attempts,ok,throttled,errors,failed,retries,spilled,' &&
	pass timeseries-header || fail timeseries-header "$(head -n 1 "$TMP/a/timeseries.csv")"
[ "$(($(wc -l < "$TMP/a/timeseries.csv") - 1))" -eq 270 ] && pass timeseries-rows ||
	fail timeseries-rows "$(wc -l < "$TMP/a/timeseries.csv") lines"

# plot re-renders identical files from the CSVs
cp "$TMP/a/throughput.png" "$TMP/png.before"
if "$RATESIM" plot "$TMP/a" --quiet; then
	cmp -s "$TMP/png.before" "$TMP/a/throughput.png" && pass plot-rerenders || fail plot-rerenders "PNG differs"
else
	fail plot-rerenders "plot failed"
fi

# every shipped scenario validates
for s in scenarios/*.json; do
	[ "$(basename "$s")" = schema.json ] && continue
	"$RATESIM" validate "$s" --quiet 2>"$TMP/e" && pass "validate-$(basename "$s" .json)" ||
		fail "validate-$(basename "$s" .json)" "$(cat "$TMP/e")"
done
finish
