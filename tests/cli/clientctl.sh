# clientctl.sh - a client's own controls (issue 10 sections 1 and 5), checked
# from the request log (--log-requests: one row per attempt, its send time
# and how long the client waited for its answer; the rows of attempts the
# client refused itself, decided_by (column 14) "client", are left out where
# attempts sent are counted), on tests/scenarios/at-once.json
# (100 requests at once against a deployment admitting 1 per second):
#   - the token bucket never lets more than rate x T + burst attempts out in
#     any interval of length T (every pair of rows is an interval's ends);
#   - the concurrency cap is never exceeded, and is reached;
#   - the give-up rule: retry-after longer than retry_after_give_up_s ends
#     the request at its first 429;
#   - the AWS backoff-and-jitter ranking (Marc Brooker, "Exponential Backoff
#     And Jitter", AWS Architecture Blog, 2015) over five seeds:
#     calls(none) > calls(decorrelated) > calls(full) ~ calls(equal);
#   - bad input for every new key: the JSON path named, exit 1.
. tests/lib.sh
A=tests/scenarios/at-once.json

run_at_once() { # DIR SET...
	dir=$1; shift
	"$RATESIM" run "$A" -o "$TMP/$dir" --quiet --no-charts --log-requests "$@" >/dev/null 2>&1
}

# The most attempts in any interval beyond rate x T + burst (<= 0 holds).
bucket_excess() { # CSV RATE BURST
	awk -F, -v rate="$2" -v burst="$3" 'NR > 1 && $14 != "client" { t[n++] = $1 }
	END { worst = -1e9; for (i = 0; i < n; i++) for (j = i; j < n; j++) {
		x = (j - i + 1) - (rate * (t[j] - t[i]) + burst); if (x > worst) worst = x }
	      printf "%.6f %d\n", worst, n }' "$1"
}

for mode in wait reject; do
	if run_at_once "tb-$mode" --set "clients[0].rate_limit={\"rate_rps\":2,\"burst\":5,\"on_empty\":\"$mode\"}"; then
		set -- $(bucket_excess "$TMP/tb-$mode/requests.csv" 2 5)
		# 1e-6: the log's times are printed to the microsecond
		if awk -v x="$1" 'BEGIN { exit !(x <= 1e-6) }' && [ "$2" -gt 20 ]; then
			pass "token-bucket-$mode-bound"
		else
			fail "token-bucket-$mode-bound" "worst excess $1 over rate x T + burst, $2 attempts"
		fi
	else
		fail "token-bucket-$mode-bound" "run failed"
	fi
done
# without the bucket the same burst breaks the bound (the check has teeth)
run_at_once tb-none
set -- $(bucket_excess "$TMP/tb-none/requests.csv" 2 5)
if awk -v x="$1" 'BEGIN { exit !(x > 1) }'; then pass token-bucket-check-bites; else fail token-bucket-check-bites "excess $1"; fi
# on_empty reject fails attempts locally
if grep -Eq '"rejected_locally":[[:space:]]*[1-9]' "$TMP/tb-reject/summary.json"; then
	pass token-bucket-reject-counted
else
	fail token-bucket-reject-counted "no rejected_locally in summary.json"
fi

# The adaptive bucket, in the world: after the burst's first 429s it paces
# the retries, so far fewer attempts reach the deployment than without it
# (tb-none above), and every request still succeeds in the end.
run_at_once ad --set 'clients[0].rate_limit={"mode":"adaptive"}'
ad=$(awk -F, 'NR > 1 && $14 != "client"' "$TMP/ad/requests.csv" | wc -l)
plain=$(awk -F, 'NR > 1 && $14 != "client"' "$TMP/tb-none/requests.csv" | wc -l)
ok=$(awk -F, 'NR > 1 && $14 != "client" && $6 == 200' "$TMP/ad/requests.csv" | wc -l)
if [ "$ad" -lt "$plain" ] && [ "$ok" -eq 100 ]; then
	pass adaptive-paces
else
	fail adaptive-paces "$ad attempts with adaptive, $plain without, $ok succeeded"
fi

# Most attempts in flight at once: [send, send + duration] per row, an end
# before a start at the same microsecond.
in_flight_peak() {
	awk -F, 'NR > 1 && $14 != "client" { printf "%.6f 1\n", $1; printf "%.6f 0\n", $1 + $7 / 1000 }' "$1" |
		sort -k1,1g -k2,2n | awk '{ n += $2 ? 1 : -1; if (n > m) m = n } END { print m + 0 }'
}
run_at_once cc --set 'clients[0].concurrency={"max_in_flight":3}' &&
	peak=$(in_flight_peak "$TMP/cc/requests.csv")
[ "${peak:-0}" -eq 3 ] && pass concurrency-cap-held || fail concurrency-cap-held "peak ${peak:-none}, want 3"
run_at_once cc-none
peak=$(in_flight_peak "$TMP/cc-none/requests.csv")
[ "${peak:-0}" -gt 3 ] && pass concurrency-check-bites || fail concurrency-check-bites "peak $peak"
# a queue timeout shorter than a success's latency fails queued requests locally
run_at_once cq --set 'clients[0].concurrency={"max_in_flight":1,"queue_timeout_s":0.5}'
if grep -Eq '"rejected_locally":[[:space:]]*[1-9]' "$TMP/cq/summary.json"; then
	pass queue-timeout-rejects
else
	fail queue-timeout-rejects "no rejected_locally in summary.json"
fi

# Give up on a retry-after over 0.95 s (the burst's 429s ask for 0.9 to
# 1 s): a request whose first 429 asked for more ends there, the others
# retry (retry-after honoured).
run_at_once gu --set 'clients[0].retry.retry_after="honour"' --set 'clients[0].retry.retry_after_give_up_s=0.95'
set -- $(awk -F, 'NR > 1 && $14 != "client" && $3 == 1 && $6 == 429 { ra[$2] = $10 }
	NR > 1 && $3 > 1 { again[$2] = 1 }
	END { for (r in ra) { if (ra[r] > 950) { long++; if (again[r]) bad++ }
	                      else { short++; if (!again[r]) bad++ } }
	      print long + 0, short + 0, bad + 0 }' "$TMP/gu/requests.csv")
if [ "$1" -gt 0 ] && [ "$2" -gt 0 ] && [ "$3" -eq 0 ]; then
	pass retry-after-give-up
else
	fail retry-after-give-up "$1 long retry-afters, $2 short, $3 against the rule"
fi

# Wait or spill (wait-or-spill.json: a PTU deployment past capacity beside
# a standard one): a request stays on the PTU while its 429s' waits end
# within max_wait_s of its arrival (elapsed at the answer + retry-after),
# and its next attempt goes to the standard deployment at once after the
# first 429 that would end later; it stays there.  Checked per request.
spill_check() { # CSV MAX_WAIT: "spilled stayed wrong"
	awk -F, -v mw="$2" 'NR > 1 && $14 != "client" {
		r = $2; if (!(r in t0)) { t0[r] = $1; state[r] = "ptu" }
		if ($5 != state[r] || (r in due && $1 < due[r])) bad++
		if (state[r] == "ptu" && $6 == 429) {
			if ($1 + $7 / 1000 - t0[r] + $10 / 1000 > mw + 1e-6) { state[r] = "paygo"; spilled++; due[r] = $1 + $7 / 1000 - 1e-6 }
			else stayed++
		} }
	END { print spilled + 0, stayed + 0, bad + 0 }' "$1"
}
W=tests/scenarios/wait-or-spill.json
"$RATESIM" run "$W" -o "$TMP/ws" --quiet --no-charts --log-requests \
	--set 'clients[0].wait_or_spill={"to":"paygo","max_wait_s":5}' >/dev/null 2>&1
set -- $(spill_check "$TMP/ws/requests.csv" 5)
if [ "$1" -gt 0 ] && [ "$2" -gt 0 ] && [ "$3" -eq 0 ]; then
	pass wait-or-spill-rule
else
	fail wait-or-spill-rule "$1 spilled, $2 waited, $3 attempts against the rule"
fi
# without wait_or_spill nothing reaches paygo (the check has teeth: it
# counts every paygo row of a request that never spilled as wrong)
"$RATESIM" run "$W" -o "$TMP/ws0" --quiet --no-charts --log-requests >/dev/null 2>&1
paygo=$(awk -F, 'NR > 1 && $14 != "client" && $5 == "paygo"' "$TMP/ws0/requests.csv" | wc -l)
[ "$paygo" -eq 0 ] && pass wait-or-spill-off || fail wait-or-spill-off "$paygo attempts on paygo"

# Every control at once, then the run folder's scenario.json run again:
# the effective scenario says every value, so the attempts are the same.
"$RATESIM" run "$W" -o "$TMP/e1" --quiet --no-charts --log-requests \
	--set 'clients[0].rate_limit={"mode":"adaptive"}' \
	--set 'clients[0].concurrency={"max_in_flight":4,"queue_timeout_s":10}' \
	--set 'clients[0].breaker={"failures":20}' \
	--set 'clients[0].wait_or_spill={"to":"paygo","max_wait_s":5}' \
	--set 'clients[0].retry.retry_after="clamp"' --set 'clients[0].retry.retry_after_give_up_s=30' \
	>/dev/null 2>&1
"$RATESIM" run "$TMP/e1/scenario.json" -o "$TMP/e2" --quiet --no-charts --log-requests >/dev/null 2>&1
if [ -s "$TMP/e1/requests.csv" ] && cmp -s "$TMP/e1/requests.csv" "$TMP/e2/requests.csv"; then
	pass controls-effective-reload
else
	fail controls-effective-reload "the reloaded effective scenario ran differently"
fi

# Brooker's ranking.  The scenario's backoff: 0.5 s doubling to 120 s,
# retry-after ignored, 100 retries, 600 s.
calls() { # JITTER: attempts over seeds 1..5
	total=0
	for seed in 1 2 3 4 5; do
		run_at_once "j-$1-$seed" --set "clients[0].retry.jitter=\"$1\"" --set "seed=$seed"
		n=$(awk -F, 'NR > 1 && $14 != "client"' "$TMP/j-$1-$seed/requests.csv" | wc -l)
		total=$((total + n))
	done
	echo "$total"
}
none=$(calls none); full=$(calls full); equal=$(calls equal); dec=$(calls decorrelated)
echo "  calls over 5 seeds: none $none, decorrelated $dec, full $full, equal $equal"
[ "$none" -gt "$dec" ] && pass jitter-none-most || fail jitter-none-most "none $none <= decorrelated $dec"
[ "$dec" -gt "$full" ] && pass jitter-decorrelated-over-full || fail jitter-decorrelated-over-full "decorrelated $dec <= full $full"
# full ~ equal: within 10% of each other
if awk -v f="$full" -v e="$equal" 'BEGIN { d = f - e; if (d < 0) d = -d; exit !(d <= 0.1 * f) }'; then
	pass jitter-full-near-equal
else
	fail jitter-full-near-equal "full $full, equal $equal"
fi

# Bad input: every new key, the JSON path named, exit 1.
P="ratesim: $A: .clients[0]"
bad() { # NAME MESSAGE SET
	expect "bad-$1" 1 "$P.$2" -- validate "$A" --set "$3"
}
bad rate-zero 'rate_limit.rate_rps: must be > 0 (got 0)' 'clients[0].rate_limit={"rate_rps":0}'
bad rate-missing 'rate_limit.rate_rps: required key is missing' 'clients[0].rate_limit={"burst":3}'
bad burst-small 'rate_limit.burst: must be >= 1 (got 0.5)' 'clients[0].rate_limit={"rate_rps":1,"burst":0.5}'
bad mode 'rate_limit.mode: must be one of: fixed, adaptive (got string "cubic")' 'clients[0].rate_limit={"mode":"cubic"}'
bad adaptive-rate 'rate_limit.rate_rps: not used when mode is "adaptive"; only a fixed rate limit has a rate (adaptive finds its own)' 'clients[0].rate_limit={"mode":"adaptive","rate_rps":3}'
bad on-empty 'rate_limit.on_empty: must be one of: wait, reject (got string "drop")' 'clients[0].rate_limit={"rate_rps":1,"on_empty":"drop"}'
bad rate-limit-type 'rate_limit: must be an object (got number 5)' 'clients[0].rate_limit=5'
bad in-flight-zero 'concurrency.max_in_flight: must be >= 1 (got 0)' 'clients[0].concurrency={"max_in_flight":0}'
bad in-flight-whole 'concurrency.max_in_flight: must be a whole number (got 2.5)' 'clients[0].concurrency={"max_in_flight":2.5}'
bad in-flight-missing 'concurrency.max_in_flight: required key is missing' 'clients[0].concurrency={"queue_timeout_s":1}'
bad queue-timeout 'concurrency.queue_timeout_s: must be >= 0 (got -1)' 'clients[0].concurrency={"max_in_flight":2,"queue_timeout_s":-1}'
bad failures 'breaker.failures: must be >= 1 (got 0)' 'clients[0].breaker={"failures":0}'
bad failures-missing 'breaker.failures: required key is missing' 'clients[0].breaker={"open_s":3}'
bad open 'breaker.open_s: must be > 0 (got 0)' 'clients[0].breaker={"failures":3,"open_s":0}'
bad probes 'breaker.half_open_probes: must be >= 1 (got 0)' 'clients[0].breaker={"failures":3,"half_open_probes":0}'
bad give-up 'retry.retry_after_give_up_s: must be >= 0 (got -1)' 'clients[0].retry.retry_after_give_up_s=-1'
bad retry-after 'retry.retry_after: must be one of: ignore, honour, cap, jitter, max, clamp, cap_jitter (got string "maximum")' 'clients[0].retry.retry_after="maximum"'
bad spill-to 'wait_or_spill.to: no deployment or router named "nowhere" (deployments: d)' 'clients[0].wait_or_spill={"to":"nowhere","max_wait_s":1}'
bad spill-self 'wait_or_spill.to: "d" is the client'"'"'s own target' 'clients[0].wait_or_spill={"to":"d","max_wait_s":1}'
bad spill-wait 'wait_or_spill.max_wait_s: must be >= 0 (got -1)' 'clients[0].wait_or_spill={"to":"d","max_wait_s":-1}'
bad spill-missing 'wait_or_spill.max_wait_s: required key is missing' 'clients[0].wait_or_spill={"to":"d"}'
bad clamp-cap 'retry.retry_after_cap_s: not used when retry_after is "max"' 'clients[0].retry={"policy":"fixed","retry_after":"max","retry_after_cap_s":5}'
finish
