# decide.sh - the decision commands as a user calls them: sizing searches
# with known answers, a sweep, compare, GNU-style options and every bad
# input of the decision layer (exact message, exit code).
. tests/lib.sh
Q=scenarios/quickstart.json
SHORT="--set duration_s=300"

# ---- size: a closed form ---------------------------------------------------
# Constant arrivals of 60 per minute, no retries: the smallest standard TPM
# whose RPM (6 per 1000 TPM) admits them all is 10000, and 9000 is not.
if "$RATESIM" size tests/scenarios/one-rps.json --param 'deployments[0].tpm' \
	--target 'rate_429<=0' --max 100000 -r 2 -o "$TMP/s1" --no-charts >"$TMP/out" 2>"$TMP/err"; then
	grep -q 'The simulation needs deployments\[0\].tpm = 10000 (9000 does not meet them)' "$TMP/out" &&
		pass size-closed-form || fail size-closed-form "$(cat "$TMP/out")"
	grep -q '^10000,2,0,0,0,yes,yes,yes$' "$TMP/s1/size.csv" && grep -q '^9000,2,0.1,' "$TMP/s1/size.csv" &&
		pass size-csv || fail size-csv "$(cat "$TMP/s1/size.csv")"
else
	fail size-closed-form "size failed: $(cat "$TMP/err")"
fi

# ---- size: PTU, then independent runs confirm the answer -------------------
P=tests/scenarios/ptu-size.json
if "$RATESIM" size "$P" --param 'deployments[0].ptu' --target 'rate_429<=0.01' -r 5 \
	-o "$TMP/s2" >"$TMP/out" 2>"$TMP/err"; then
	[ ! -s "$TMP/err" ] && pass size-charts-clean || fail size-charts-clean "$(head -n 3 "$TMP/err")"
	grep -q 'The average-based sizing formula says 100' "$TMP/out" &&
		grep -q 'needs deployments\[0\].ptu = 100 (50 does not meet them)' "$TMP/out" &&
		pass size-ptu || fail size-ptu "$(cat "$TMP/out")"
	[ -s "$TMP/s2/size_1.png" ] && [ -s "$TMP/s2/report.html" ] && pass size-chart-report ||
		fail size-chart-report "$(ls "$TMP/s2")"
	# other seeds: 100 PTU meets the target, 50 does not
	"$RATESIM" run "$P" --set 'deployments[0].ptu=100' --seed 777 -r 10 --no-charts --quiet -o "$TMP/c100"
	"$RATESIM" run "$P" --set 'deployments[0].ptu=50' --seed 777 -r 10 --no-charts --quiet -o "$TMP/c50"
	upper() { awk -F, 'NR == 2 { print $2 + $3 }' "$1"; }
	col=$(head -n 1 "$TMP/c100/points.csv" | tr , '\n' | grep -n '^rate_429_mean$' | cut -d: -f1)
	u100=$(cut -d, -f"$col,$((col + 1))" "$TMP/c100/points.csv" | awk -F, 'NR == 2 { print $1 + $2 }')
	l50=$(cut -d, -f"$col,$((col + 1))" "$TMP/c50/points.csv" | awk -F, 'NR == 2 { print $1 - $2 }')
	awk -v u="$u100" -v l="$l50" 'BEGIN { exit !(u <= 0.01 && l > 0.01) }' &&
		pass size-confirmed || fail size-confirmed "upper at 100: $u100, lower at 50: $l50"
else
	fail size-ptu "size failed: $(cat "$TMP/err")"
fi

# ---- size: replicas behind a router -----------------------------------------
# 150 requests a minute, round robin over copies of a 60-RPM deployment: 3.
"$RATESIM" size tests/scenarios/replicas.json --param 'routers[0].replicas' --target 'rate_429<=0' \
	-r 2 -o "$TMP/s4" --no-charts >"$TMP/out" 2>"$TMP/err" &&
	grep -q 'needs routers\[0\].replicas = 3 (2 does not meet them)' "$TMP/out" &&
	grep -q '"name":	"d-r3"' "$TMP/s4/v-3/rep-1/scenario.json" && pass size-replicas ||
	fail size-replicas "$(cat "$TMP/out" "$TMP/err")"

# ---- sweep -----------------------------------------------------------------
if "$RATESIM" sweep "$Q" $SHORT --axis 'clients[0].arrival.schedule[0].rate_rps=1,2' \
	--axis 'deployments[0].tpm=100000,150000' -r 2 -o "$TMP/sw" >"$TMP/out" 2>"$TMP/err"; then
	[ "$(wc -l < "$TMP/sw/points.csv")" -eq 5 ] && [ "$(wc -l < "$TMP/sw/runs.csv")" -eq 9 ] &&
		pass sweep-tables || fail sweep-tables "$(wc -l "$TMP/sw/points.csv" "$TMP/sw/runs.csv")"
	head -n 1 "$TMP/sw/points.csv" | grep -q '^group,clients\[0\].arrival.schedule\[0\].rate_rps,deployments\[0\].tpm,n,' &&
		pass sweep-axes-columns || fail sweep-axes-columns "$(head -n 1 "$TMP/sw/points.csv" | cut -c1-120)"
	grep -q '^p001,1,100000,2,' "$TMP/sw/points.csv" && grep -q '^p004,2,150000,2,' "$TMP/sw/points.csv" &&
		pass sweep-points || fail sweep-points "$(cut -c1-40 "$TMP/sw/points.csv")"
	[ -s "$TMP/sw/sweep_rate_429.png" ] && [ -s "$TMP/sw/report.html" ] && [ -s "$TMP/sw/p003/rep-2/scenario.json" ] &&
		pass sweep-outputs || fail sweep-outputs "$(ls "$TMP/sw")"
else
	fail sweep-tables "sweep failed: $(cat "$TMP/err")"
fi
# the shipped sweep's block expands (jobs only: nothing runs)
"$RATESIM" sweep scenarios/sweep-retry-load.json --emit-jobs "$TMP/jobs.txt" -o "$TMP/swb" 2>/dev/null &&
	[ "$(wc -l < "$TMP/jobs.txt")" -eq 45 ] && pass sweep-block ||
	fail sweep-block "$(wc -l < "$TMP/jobs.txt" 2>/dev/null) jobs"

# the decision charts draw with no gnuplot warning (ratesim would print it)
"$RATESIM" run "$Q" $SHORT -r 3 --quiet -o "$TMP/rc" 2>"$TMP/err" && [ ! -s "$TMP/err" ] &&
	[ -s "$TMP/rc/rep_rate_429.png" ] && [ -s "$TMP/rc/rep_latency.svg" ] && [ -s "$TMP/rc/latency_cdf.png" ] &&
	pass bands-clean || fail bands-clean "$(ls "$TMP/rc" | tr '\n' ' ') $(head -n 3 "$TMP/err")"
"$RATESIM" sweep scenarios/sweep-retry-load.json --set duration_s=600 -r 2 --quiet -o "$TMP/swr" 2>"$TMP/err" &&
	[ ! -s "$TMP/err" ] && [ -s "$TMP/swr/sweep_attempts_total.png" ] && pass sweep-charts-clean ||
	fail sweep-charts-clean "$(head -n 3 "$TMP/err")"

# plot on a sweep's folder draws its charts again
rm -f "$TMP/sw/sweep_rate_429.png"
"$RATESIM" plot "$TMP/sw" --quiet && [ -s "$TMP/sw/sweep_rate_429.png" ] && pass plot-decision ||
	fail plot-decision "no chart redrawn"

# ---- provenance: a run folder's scenario.json reproduces it ----------------
"$RATESIM" run "$Q" $SHORT --set 'deployments[0].tpm=120000' --seed 9 --no-charts --quiet -o "$TMP/p1"
"$RATESIM" run "$TMP/p1/scenario.json" --no-charts --quiet -o "$TMP/p2"
cmp -s "$TMP/p1/summary.json" "$TMP/p2/summary.json" && cmp -s "$TMP/p1/timeseries.csv" "$TMP/p2/timeseries.csv" &&
	pass scenario-json-reproduces || fail scenario-json-reproduces "outputs differ"
grep -q '"overrides":	\["duration_s=300", "deployments\[0\].tpm=120000", "seed=9"\]' "$TMP/p1/summary.json" &&
	grep -q '"ratesim_version":' "$TMP/p1/summary.json" && pass summary-provenance ||
	fail summary-provenance "$(head -n 8 "$TMP/p1/summary.json")"

# ---- GNU conventions -------------------------------------------------------
"$RATESIM" run "$Q" $SHORT --seed=9 --output="$TMP/g" --no-charts --quiet --set='deployments[0].tpm=120000' &&
	cmp -s "$TMP/p1/summary.json" "$TMP/g/summary.json" && pass gnu-equals || fail gnu-equals "--opt=value"
"$RATESIM" run --quiet --no-charts -o "$TMP/dd" -- "$Q" $SHORT 2>/dev/null; [ $? -eq 2 ] &&
	pass double-dash || fail double-dash "an option after -- was taken as an option"
"$RATESIM" validate --quiet -- "$Q" && pass double-dash-file || fail double-dash-file "-- FILE"

# stdout carries the result, stderr the rest; --json the summary itself
"$RATESIM" run "$Q" $SHORT --no-charts -o "$TMP/o1" >"$TMP/out" 2>"$TMP/err"
grep -Eq '^quickstart: [0-9]+ requests offered, [0-9]+ succeeded, [0-9]+ failed, [0-9]+ still in flight at the end; 429 rate [0-9.]+% of attempts$' "$TMP/out" &&
	[ "$(wc -l < "$TMP/out")" -eq 1 ] && grep -q '^ratesim: engine:' "$TMP/err" && ! grep -q 'requests offered' "$TMP/err" &&
	pass stdout-result || fail stdout-result "stdout [$(cat "$TMP/out")] stderr [$(cat "$TMP/err")]"
"$RATESIM" run "$Q" $SHORT --no-charts --json -o "$TMP/o2" >"$TMP/out" 2>/dev/null &&
	cmp -s "$TMP/out" "$TMP/o2/summary.json" && pass json || fail json "stdout is not summary.json"
"$RATESIM" collect "$TMP/j" --json >/dev/null 2>&1; [ $? -eq 1 ] && pass json-collect-missing || fail json-collect-missing "collect of no folder"

# the budgets: refused, then allowed from the command line
"$RATESIM" validate "$Q" --set duration_s=86400 --set bucket_s=0.01 >/dev/null 2>"$TMP/err"; rc=$?
[ $rc -eq 1 ] && grep -q 'give --max-output MB' "$TMP/err" &&
	"$RATESIM" validate "$Q" --set duration_s=86400 --set bucket_s=0.01 --max-output=100000 --quiet &&
	pass max-output || fail max-output "exit $rc: $(cat "$TMP/err")"

# a single run's folder is not a plan's: refused, then replaced with --force
"$RATESIM" run "$Q" $SHORT --quiet -o "$TMP/f1"
expect plan-over-run 1 "ratesim: $TMP/f1: holds the results of a single run; use --force to replace them, or another -o" -- run "$Q" $SHORT -r 2 --quiet -o "$TMP/f1"
"$RATESIM" run "$Q" $SHORT -r 2 --quiet --no-charts --force -o "$TMP/f1" && [ ! -e "$TMP/f1/throughput.png" ] &&
	[ ! -e "$TMP/f1/engine.json" ] && [ -s "$TMP/f1/rep-2/summary.json" ] && pass force-clears-run ||
	fail force-clears-run "$(ls "$TMP/f1" | tr '\n' ' ')"
# --force over another sweep: its points go
"$RATESIM" sweep "$Q" $SHORT --axis 'deployments[0].tpm=100000' -r 1 --no-charts --quiet --force -o "$TMP/sw" &&
	[ ! -e "$TMP/sw/p002" ] && [ ! -e "$TMP/sw/sweep_rate_429.png" ] && [ -s "$TMP/sw/p001/summary.json" ] &&
	pass force-clears-plan || fail force-clears-plan "$(ls "$TMP/sw" | tr '\n' ' ')"

# ---- bad input -------------------------------------------------------------
expect reps-zero 2 "ratesim: --replications needs a whole number from 1 to 100000 (got 0)
try 'ratesim --help'" -- run "$Q" --replications 0
expect jobs-zero 2 "ratesim: -j needs a whole number from 1 to 4096 (got 0)
try 'ratesim --help'" -- run "$Q" -r 2 -j 0
expect not-for-validate 2 "ratesim: --output does not apply to validate
try 'ratesim --help'" -- validate "$Q" -o "$TMP/x"
expect not-for-plot 2 "ratesim: --seed does not apply to plot
try 'ratesim --help'" -- plot "$TMP/p1" --seed 3
expect target-unknown-figure 2 "ratesim: --target rate429<=0.01: unknown figure \"rate429\"; did you mean \"rate_429\"? (figures are the numbers of summary.json, docs/outputs.md)
try 'ratesim --help'" -- size "$Q" --param 'deployments[0].tpm' --target 'rate429<=0.01'
expect target-malformed 2 "ratesim: --target rate_429: expected FIGURE<=NUMBER (or <, >=, >)
try 'ratesim --help'" -- size "$Q" --param 'deployments[0].tpm' --target 'rate_429'
expect param-not-number 2 "ratesim: --param name: not a number (the scenario has a string)
try 'ratesim --help'" -- size "$Q" --param name --target 'rate_429<=0.01'
expect param-missing 2 "ratesim: --param clients[0].nope: no such value in $Q
try 'ratesim --help'" -- size "$Q" --param 'clients[0].nope' --target 'rate_429<=0.01'
expect size-needs-target 2 "ratesim: size needs --param PATH and at least one --target
try 'ratesim --help'" -- size "$Q" --param 'deployments[0].tpm'
expect axis-empty 2 "ratesim: --axis deployments[0].tpm=: the axis has no values
try 'ratesim --help'" -- sweep "$Q" --axis 'deployments[0].tpm='
expect axis-no-path 1 "ratesim: $Q: .clients[0].nope: unknown key; did you mean \"name\"?" -- sweep "$Q" --axis 'clients[0].nope=1,2'
expect sweep-no-axes 2 "ratesim: $Q: no \"sweep\" block with \"axes\", and no --axis
try 'ratesim --help'" -- sweep "$Q"
expect collect-not-a-plan 1 "ratesim: $TMP/p1: not a ratesim results folder of run -r, compare, sweep or size (cannot read plan.json: No such file or directory)" -- collect "$TMP/p1"
expect size-unmet 1 "ratesim: tests/scenarios/one-rps.json: the targets are not met even at --max (deployments[0].tpm = 5000) with 95% confidence; raise --max, or see $TMP/s3/size.csv" -- size tests/scenarios/one-rps.json --param 'deployments[0].tpm' --target 'rate_429<=0' --max 5000 -r 2 -o "$TMP/s3" --no-charts --quiet
finish
