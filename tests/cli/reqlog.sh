# reqlog.sh - the request log from the command line (docs/outputs.md,
# requests.csv): its header, --log-sample (a sampled request keeps every
# row it has in the full log, and nothing else is there; a run's figures
# do not depend on the log), and the option's errors.
. tests/lib.sh
Q=scenarios/client-controls.json

"$RATESIM" run "$Q" -o "$TMP/full" --quiet --no-charts --log-requests || fail run-full "exit $?"
"$RATESIM" run "$Q" -o "$TMP/tenth" --quiet --no-charts --log-sample 0.1 || fail run-tenth "exit $?"
"$RATESIM" run "$Q" -o "$TMP/none" --quiet --no-charts || fail run-none "exit $?"

want="time_s,request_id,attempt,client,deployment,status,duration_ms,prompt_tokens,completion_tokens,retry_after_ms,spilled,answered_s,router,decided_by,limit,end,estimate,max_tokens,best_of,cached_tokens,remaining_requests,remaining_tokens,utilisation,backoff_ms,gave_up,queued_ms"
if [ "$(head -n 1 "$TMP/full/requests.csv")" = "$want" ]; then
	pass header
else
	fail header "$(head -n 1 "$TMP/full/requests.csv")"
fi

# The full log's rows of the sampled requests, in order, are the sampled log.
awk -F, 'NR == FNR { if (FNR > 1) keep[$2] = 1; next } FNR > 1 && ($2 in keep)' \
	"$TMP/tenth/requests.csv" "$TMP/full/requests.csv" >"$TMP/expected"
tail -n +2 "$TMP/tenth/requests.csv" >"$TMP/got"
if [ -s "$TMP/got" ] && cmp -s "$TMP/expected" "$TMP/got"; then
	pass sample-keeps-requests-whole
else
	fail sample-keeps-requests-whole "the sampled rows differ from the full log's"
fi
full=$(tail -n +2 "$TMP/full/requests.csv" | cut -d, -f2 | sort -u | wc -l)
kept=$(tail -n +2 "$TMP/tenth/requests.csv" | cut -d, -f2 | sort -u | wc -l)
# about a tenth of the requests: between 5% and 15%
if [ $((kept * 100)) -ge $((full * 5)) ] && [ $((kept * 100)) -le $((full * 15)) ]; then
	pass sample-share
else
	fail sample-share "kept $kept of $full requests"
fi

for f in summary.json timeseries.csv; do
	if cmp -s "$TMP/full/$f" "$TMP/none/$f" && cmp -s "$TMP/tenth/$f" "$TMP/none/$f"; then
		pass "log-changes-nothing-$f"
	else
		fail "log-changes-nothing-$f" "differs with the log on"
	fi
done

# Every local rejection has a row: decided_by client, end rejected_locally.
local=$(grep -c ',client,[a-z_]*,rejected_locally,' "$TMP/full/requests.csv")
if [ "$local" -gt 0 ]; then pass local-rejections-logged; else fail local-rejections-logged "none"; fi

# The latency chart draws the failed requests' time to give up: its data
# has them for every bucket with a failure (quickstart: one point a bucket).
"$RATESIM" run scenarios/quickstart.json -o "$TMP/qc" --quiet >/dev/null 2>&1
if [ -f "$TMP/qc/latency.gp" ]; then
	col=$(head -n 1 "$TMP/qc/timeseries.csv" | tr , '\n' | grep -n '^failed_latency_p50_ms$' | cut -d: -f1)
	want=$(awk -F, -v c="$col" '$2 == "total" && $c != ""' "$TMP/qc/timeseries.csv" | wc -l)
	got=$(sed -n 's/^failed_points = //p' "$TMP/qc/latency.gp")
	drawn=$(grep -v '^#' "$TMP/qc/latency.dat" | awk 'NF == 9 && $8 != "NaN"' | wc -l)
	if [ "$want" -gt 0 ] && [ "$got" = "$want" ] && [ "$drawn" -eq "$want" ]; then
		pass chart-failed-latency
	else
		fail chart-failed-latency "failed_points $got, $drawn points drawn, $want buckets with failures"
	fi
else
	skip chart-failed-latency "no charts (gnuplot missing?)"
fi

expect log-sample-range 2 "ratesim: --log-sample needs a share in (0, 1] (got 0)
try 'ratesim --help'" -- run "$Q" --log-sample 0 -o "$TMP/x"
expect log-sample-text 2 "ratesim: --log-sample needs a share in (0, 1] (got half)
try 'ratesim --help'" -- run "$Q" --log-sample=half -o "$TMP/x"
expect log-sample-plan 2 "ratesim: --log-sample is for a single run, not with -r or --emit-jobs
try 'ratesim --help'" -- run "$Q" --log-sample 0.5 -r 2 -o "$TMP/x"
finish
