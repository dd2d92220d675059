# jobs.sh - issue 9 from the command line: the seed 004 scenario (an AI
# Search custom skill's pipeline with a 230 s deadline against one
# deployment whose latency grows in business hours) and bad input for the
# new keys (exit 1, the file and the JSON path named).
. tests/lib.sh
S=scenarios/seed-skill-deadline.json

# A number of summary.json ("KEY":<tab>N), the first one.
figure() { grep "\"$2\":" "$1" | head -n 1 | sed 's/.*:[[:space:]]*//; s/,$//'; }
# The failure rates of by_hour_of_day, one line per hour (null: none started).
rates() { grep '"failure_rate":' "$1" | sed 's/.*:[[:space:]]*//; s/,$//'; }

if "$RATESIM" run "$S" -o "$TMP/seed" --quiet --no-charts; then
	r="$TMP/seed/summary.json"
	night=$(rates "$r" | sed -n '1,6p' | awk '$1 != "null" && $1 > 0' | wc -l)
	busy=$(rates "$r" | sed -n '14p') # 13:00
	[ "$night" -eq 0 ] && awk -v b="$busy" 'BEGIN { exit !(b > 0.2) }' &&
		pass seed-004-failures-climb-at-busy-hours ||
		fail seed-004-failures-climb-at-busy-hours "00-06 h: $night hours with failures; 13 h: $busy"
	dl=$(figure "$r" failed_deadline)
	f429=$(figure "$r" failed_429)
	[ "$dl" -gt "$f429" ] && pass seed-004-mostly-by-deadline ||
		fail seed-004-mostly-by-deadline "failed_deadline $dl, failed_429 $f429"
else
	fail seed-004-failures-climb-at-busy-hours "run failed"
fi

expect pipeline-bad-parallelism 1 \
	"ratesim: $S: .clients[0].pipeline.steps[0].parallelism: must be <= calls (10) (got 11)" \
	-- validate "$S" --set 'clients[0].pipeline.steps[0].parallelism=11'
expect latency-daily-bad-hours 1 \
	"ratesim: $S: .deployments[0].latency_daily.by_hour: must hold 24 multipliers, one per hour (got 3)" \
	-- validate "$S" --set 'deployments[0].latency_daily.by_hour=[1,2,3]'
expect job-bad-concurrency 1 \
	"ratesim: $S: .clients[0].arrival.concurrency: must be >= 1 (got 0)" \
	-- validate "$S" --set 'clients[0].arrival={"process":"job","requests":5,"concurrency":0}'
# what a job or a herd holds at once counts in the memory estimate
B=scenarios/job-batch-20k.json
expect job-memory-budget 1 \
	"ratesim: $B: .clients[0].arrival.concurrency: a run with a job of 1000000 at once takes about 497 MB of memory (estimate), over the budget of 10 MB; to allow it, set limits.max_memory_mb in the scenario, or give --max-memory MB" \
	-- validate "$B" --max-memory 10 --set 'clients[0].arrival.concurrency=1000000'
expect herd-memory-budget 1 \
	"ratesim: $B: .clients[0].arrival.requests: a run with 1000000 requests at once takes about 497 MB of memory (estimate), over the budget of 10 MB; to allow it, set limits.max_memory_mb in the scenario, or give --max-memory MB" \
	-- validate "$B" --max-memory 10 --set 'clients[0].arrival={"process":"at_once","requests":1000000}'

finish
