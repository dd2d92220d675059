# reactions.sh - the client's reactions (hedge, remaining_quota,
# network_jitter_ms; sim/scenario_reactions.c): every bad value of every new
# key gives its exact message, naming the file and the JSON path, and exit 1;
# and a network jitter of zero variance writes the shipped scenario's
# time series and request log byte for byte.
. tests/lib.sh
Q=scenarios/quickstart.json
E="ratesim: $Q: .clients[0]"

expect hedge-1 1 "$E.hedge: needs exactly one of delay_ms and delay_percentile" -- validate "$Q" --set 'clients[0].hedge={}'
expect hedge-2 1 "$E.hedge: needs exactly one of delay_ms and delay_percentile (got both)" -- validate "$Q" --set 'clients[0].hedge={"delay_ms":1,"delay_percentile":95}'
expect hedge-3 1 "$E.hedge.delay_ms: must be > 0 (got 0)" -- validate "$Q" --set 'clients[0].hedge={"delay_ms":0}'
expect hedge-4 1 "$E.hedge.delay_ms: must be a number (got string \"x\")" -- validate "$Q" --set 'clients[0].hedge={"delay_ms":"x"}'
expect hedge-5 1 "$E.hedge.delay_ms: must be at most 3600000 (got 4000000)" -- validate "$Q" --set 'clients[0].hedge={"delay_ms":4000000}'
expect hedge-6 1 "$E.hedge: a delay_percentile needs fallback_ms (the delay until min_samples answers are seen)" -- validate "$Q" --set 'clients[0].hedge={"delay_percentile":95}'
expect hedge-7 1 "$E.hedge.delay_percentile: must be > 0 (got 0)" -- validate "$Q" --set 'clients[0].hedge={"delay_percentile":0,"fallback_ms":10}'
expect hedge-8 1 "$E.hedge.delay_percentile: must be at most 100 (got 101)" -- validate "$Q" --set 'clients[0].hedge={"delay_percentile":101,"fallback_ms":10}'
expect hedge-9 1 "$E.hedge.fallback_ms: must be > 0 (got 0)" -- validate "$Q" --set 'clients[0].hedge={"delay_percentile":95,"fallback_ms":0}'
expect hedge-10 1 "$E.hedge.min_samples: only a delay_percentile uses it (the delay is delay_ms)" -- validate "$Q" --set 'clients[0].hedge={"delay_ms":100,"min_samples":5}'
expect hedge-11 1 "$E.hedge.fallback_ms: only a delay_percentile uses it (the delay is delay_ms)" -- validate "$Q" --set 'clients[0].hedge={"delay_ms":100,"fallback_ms":5}'
expect hedge-12 1 "$E.hedge.min_samples: must be >= 1 (got 0)" -- validate "$Q" --set 'clients[0].hedge={"delay_percentile":95,"fallback_ms":10,"min_samples":0}'
expect hedge-13 1 "$E.hedge.min_samples: must be at most 1000000 (got 2000000)" -- validate "$Q" --set 'clients[0].hedge={"delay_percentile":95,"fallback_ms":10,"min_samples":2000000}'
expect hedge-14 1 "$E.hedge.target: no deployment or router named \"nowhere\" (deployments: eastus-gpt-4o)" -- validate "$Q" --set 'clients[0].hedge={"delay_ms":100,"target":"nowhere"}'
expect hedge-15 1 "$E.hedge.target: must be a string (got number 3)" -- validate "$Q" --set 'clients[0].hedge={"delay_ms":100,"target":3}'
expect hedge-16 1 "$E.hedge.max_per_request: must be >= 1 (got 0)" -- validate "$Q" --set 'clients[0].hedge={"delay_ms":100,"max_per_request":0}'
expect hedge-17 1 "$E.hedge.max_per_request: must be at most 100 (got 101)" -- validate "$Q" --set 'clients[0].hedge={"delay_ms":100,"max_per_request":101}'
expect hedge-18 1 "$E.hedge.max_per_request: must be a whole number (got 1.5)" -- validate "$Q" --set 'clients[0].hedge={"delay_ms":100,"max_per_request":1.5}'
expect hedge-19 1 "$E.hedge.dely: unknown key (expected one of: delay_ms, delay_percentile, min_samples, fallback_ms, target, max_per_request)" -- validate "$Q" --set 'clients[0].hedge={"delay_ms":100,"dely":1}'
expect hedge-20 1 "$E.hedge: must be an object (got number 3)" -- validate "$Q" --set 'clients[0].hedge=3'
expect remaining-quota-21 1 "$E.remaining_quota: needs min_requests or min_tokens above 0 (a threshold of 0 is never crossed)" -- validate "$Q" --set 'clients[0].remaining_quota={}'
expect remaining-quota-22 1 "$E.remaining_quota: needs min_requests or min_tokens above 0 (a threshold of 0 is never crossed)" -- validate "$Q" --set 'clients[0].remaining_quota={"min_requests":0,"min_tokens":0}'
expect remaining-quota-23 1 "$E.remaining_quota.min_requests: must be >= 0 (got -1)" -- validate "$Q" --set 'clients[0].remaining_quota={"min_requests":-1}'
expect remaining-quota-24 1 "$E.remaining_quota.min_requests: must be at most 1000000000000 (got 2000000000000)" -- validate "$Q" --set 'clients[0].remaining_quota={"min_requests":2e12}'
expect remaining-quota-25 1 "$E.remaining_quota.min_tokens: must be a whole number (got 2.5)" -- validate "$Q" --set 'clients[0].remaining_quota={"min_tokens":2.5}'
expect remaining-quota-26 1 "$E.remaining_quota.pause_ms: must be > 0 (got 0)" -- validate "$Q" --set 'clients[0].remaining_quota={"min_tokens":10,"pause_ms":0}'
expect remaining-quota-27 1 "$E.remaining_quota.pause_ms: must be at most 3600000 (got 1000000000)" -- validate "$Q" --set 'clients[0].remaining_quota={"min_tokens":10,"pause_ms":1e9}'
expect remaining-quota-28 1 "$E.remaining_quota.pause: unknown key (expected one of: min_requests, min_tokens, pause_ms)" -- validate "$Q" --set 'clients[0].remaining_quota={"min_tokens":10,"pause":1}'
expect remaining-quota-29 1 "$E.remaining_quota: must be an object (got an array)" -- validate "$Q" --set 'clients[0].remaining_quota=[]'
expect network-jitter-ms-30 1 "$E.network_jitter_ms: must be >= 0 (got -1)" -- validate "$Q" --set 'clients[0].network_jitter_ms=-1'
expect network-jitter-ms-31 1 "$E.network_jitter_ms: must be at most 3600000 (got 1000000000)" -- validate "$Q" --set 'clients[0].network_jitter_ms=1e9'
expect network-jitter-ms-32 1 "$E.network_jitter_ms: must be a number or an object (got string \"x\")" -- validate "$Q" --set 'clients[0].network_jitter_ms="x"'
expect network-jitter-ms-33 1 "$E.network_jitter_ms.max: must be >= min (5) (got 1)" -- validate "$Q" --set 'clients[0].network_jitter_ms={"dist":"uniform","min":5,"max":1}'
expect network-jitter-ms-34 1 "$E.network_jitter_ms.min: must be >= 0 (got -1)" -- validate "$Q" --set 'clients[0].network_jitter_ms={"dist":"uniform","min":-1,"max":1}'
expect network-jitter-ms-35 1 "$E.network_jitter_ms.dist: must be one of: fixed, uniform, lognormal (got string \"empirical\")" -- validate "$Q" --set 'clients[0].network_jitter_ms={"dist":"empirical"}'
expect network-jitter-ms-36 1 "$E.network_jitter_ms.median: must be > 0 (got 0)" -- validate "$Q" --set 'clients[0].network_jitter_ms={"dist":"lognormal","median":0,"sigma":1}'
expect network-jitter-ms-37 1 "$E.network_jitter_ms.sigma: must be at most 5 (got 6)" -- validate "$Q" --set 'clients[0].network_jitter_ms={"dist":"lognormal","median":5,"sigma":6}'
expect network-jitter-ms-38 1 "$E.network_jitter_ms.value: required key is missing" -- validate "$Q" --set 'clients[0].network_jitter_ms={"dist":"fixed"}'
expect network-jitter-ms-39 1 "$E.network_jitter_ms.min: not used when dist is \"fixed\"" -- validate "$Q" --set 'clients[0].network_jitter_ms={"dist":"fixed","value":1,"min":0}'

# Zero variance: a fixed 0, or uniform [0, 0] (drawn, from its own stream).
S=scenarios/retry-policies.json
"$RATESIM" run "$S" -o "$TMP/base" --quiet --no-charts --log-requests || fail jitter-base "run failed"
for j in 0 '{"dist":"uniform","min":0,"max":0}'; do
	n=$((${n:-0} + 1))
	sets=""
	for c in 0 1 2 3 4; do sets="$sets --set clients[$c].network_jitter_ms=$j"; done
	# shellcheck disable=SC2086
	"$RATESIM" run "$S" -o "$TMP/j$n" --quiet --no-charts --log-requests $sets
	for f in timeseries.csv requests.csv; do
		if cmp -s "$TMP/base/$f" "$TMP/j$n/$f"; then
			pass "zero-jitter-$n-$f"
		else
			fail "zero-jitter-$n-$f" "differs from the run without jitter"
		fi
	done
done

finish
