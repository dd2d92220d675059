# windows.sh - figures over a window of time (issue 11; docs/outputs.md,
# "windows"): summary.json's windows.NAME figures against an independent
# truth, requests.csv counted by hand with awk; a window over the whole
# run against the run's own figures; --window on the command line; bad
# --window values (exit 2) and bad "windows" keys (exit 1, with the path).
. tests/lib.sh

S="$TMP/s.json"
cat >"$S" <<'EOF'
{"name": "win", "duration_s": 400, "seed": 5, "warmup_s": 30, "bucket_s": 10,
 "deployments": [{"name": "d", "region": "eastus", "model": "gpt-4o", "kind": "standard",
                  "tpm": 60000}],
 "clients": [{"name": "c", "target": "d", "arrival": {"process": "poisson", "rate_rps": 2},
              "prompt_tokens": {"dist": "uniform", "min": 200, "max": 900},
              "output_tokens": {"dist": "uniform", "min": 50, "max": 300},
              "retry": {"policy": "fixed", "max_retries": 2, "delay_s": 1,
                        "retry_after": "honour"}}],
 "windows": {"peak": {"start_s": 100, "end_s": 250}, "all": {"start_s": 0, "end_s": 400}}}
EOF

# fig FILE WINDOW KEY: the first KEY under windows.WINDOW of a summary.json
# (the window's total figures come before its deployments')
fig() {
	awk -v w="\"$2\":" -v k="\"$3\":" '/"windows":/ { in_w = 1 }
		in_w && $1 == w { in_n = 1 }
		in_n && $1 == k { v = $2; sub(/,$/, "", v); print v; exit }' "$1"
}
# root FILE KEY: the first KEY of a summary.json (the run's total figures)
root() {
	awk -v k="\"$2\":" '$1 == k { v = $2; sub(/,$/, "", v); print v; exit }' "$1"
}

# ---- the window's counts are requests.csv's rows in [100, 250) ----
"$RATESIM" run "$S" -o "$TMP/o" --quiet --no-charts --log-requests
# attempts by when they were made; requests (offered) by their first
# attempt; tokens by when the success completed (time + duration)
truth=$(awk -F, 'NR > 1 && $1 >= 100 && $1 < 250 {
		a++; if ($6 == 429) t++; if ($6 == 200) ok++; if ($3 == 1) o++ }
	NR > 1 && $6 == 200 { c = $1 + $7 / 1000; if (c >= 100 && c < 250) { p += $8; q += $9 } }
	END { print a + 0, t + 0, ok + 0, o + 0, p + 0, q + 0 }' "$TMP/o/requests.csv")
got="$(fig "$TMP/o/summary.json" peak total) $(fig "$TMP/o/summary.json" peak throttled)"
got="$got $(fig "$TMP/o/summary.json" peak ok) $(fig "$TMP/o/summary.json" peak offered)"
got="$got $(fig "$TMP/o/summary.json" peak prompt_tokens) $(fig "$TMP/o/summary.json" peak output_tokens)"
[ "$got" = "$truth" ] && [ "${truth%% *}" -gt 100 ] && pass window-counts-match-requests-csv ||
	fail window-counts-match-requests-csv "summary: $got; requests.csv: $truth"

# conservation in the window: offered = succeeded + failed + in flight at the end
o=$(fig "$TMP/o/summary.json" peak offered); s=$(fig "$TMP/o/summary.json" peak succeeded)
f=$(fig "$TMP/o/summary.json" peak failed); i=$(fig "$TMP/o/summary.json" peak in_flight_end)
[ "$o" -eq $((s + f + i)) ] && [ "$f" -gt 0 ] && pass window-conservation ||
	fail window-conservation "offered $o, succeeded $s, failed $f, in flight $i"

# ---- without warm-up, a window over the whole run is the run ----
"$RATESIM" run "$S" -o "$TMP/w0" --quiet --no-charts --set warmup_s=0
ok=1
for k in offered succeeded failed total throttled rate_429 p50 p95 p99 max mean tokens_per_min \
	prompt_tokens output_tokens total_usd; do
	a=$(root "$TMP/w0/summary.json" "$k"); b=$(fig "$TMP/w0/summary.json" all "$k")
	[ -n "$a" ] && [ "$a" = "$b" ] || { ok=0; echo "  $k: run $a, window $b"; }
done
[ $ok -eq 1 ] && pass window-over-whole-run-is-the-run || fail window-over-whole-run-is-the-run "differ"

# ---- a scenario without windows writes none, byte for byte as before ----
"$RATESIM" run "$S" -o "$TMP/nw" --quiet --no-charts --set 'windows={}'
! grep -q '"windows"' "$TMP/nw/summary.json" && pass no-windows-no-object ||
	fail no-windows-no-object "summary.json has a windows object"

# ---- --window: START:END adds the window "window"; NAME picks one ----
"$RATESIM" run "$S" -o "$TMP/cw" --no-charts --window 100s:250 2>/dev/null >"$TMP/line"
want="win: window window [100, 250) s: $o requests offered, $s succeeded, $f failed, $i still in flight at the end;"
sed -n 2p "$TMP/line" | grep -qF "$want" && pass window-start-end-line ||
	fail window-start-end-line "$(cat "$TMP/line")"
[ "$(fig "$TMP/cw/summary.json" window total)" = "$(fig "$TMP/o/summary.json" peak total)" ] &&
	pass window-start-end-equals-named || fail window-start-end-equals-named "differ"
"$RATESIM" run "$S" -o "$TMP/cm" --no-charts --window 0:1m 2>/dev/null >"$TMP/line"
grep -q '^win: window window \[0, 60) s: ' "$TMP/line" && pass window-suffix-minutes ||
	fail window-suffix-minutes "$(cat "$TMP/line")"
"$RATESIM" run "$S" -o "$TMP/cn" --no-charts --window peak 2>/dev/null >"$TMP/line"
sed -n 2p "$TMP/line" | grep -qF "win: window peak [100, 250) s: $o requests offered" &&
	pass window-by-name || fail window-by-name "$(cat "$TMP/line")"
[ "$(wc -l <"$TMP/line")" -eq 2 ] && "$RATESIM" run "$S" -o "$TMP/cq" --no-charts 2>/dev/null |
	[ "$(wc -l)" -eq 1 ] && pass window-line-only-with-option || fail window-line-only-with-option "lines"

# ---- plot --window: the time charts over the range only ----
if command -v gnuplot >/dev/null 2>&1; then
	"$RATESIM" plot "$TMP/o" --window 1m:2m --quiet 2>"$TMP/err"
	# every point of the time charts starts in [1, 2) minutes
	out=$(awk '!/^#/ && NF && ($1 < 1 || $1 >= 2) { print FILENAME ": " $1 }' \
		"$TMP/o/rate_429.dat" "$TMP/o/throughput.dat" "$TMP/o/latency.dat" | head -3)
	rows=$(grep -vc '^#' "$TMP/o/rate_429.dat")
	[ -z "$out" ] && [ "$rows" -eq 6 ] && [ ! -s "$TMP/err" ] && grep -q '^t_min = 1$' "$TMP/o/rate_429.gp" &&
		grep -qF "title = 'win (seed 5), [60, 120) s'" "$TMP/o/rate_429.gp" &&
		pass plot-window-range || fail plot-window-range "$rows rows; $out; $(cat "$TMP/err")"
	# no figures of the window: the run's outcomes and latency distribution are not drawn
	[ ! -e "$TMP/o/outcomes.png" ] && [ ! -e "$TMP/o/latency_cdf.png" ] && [ -s "$TMP/o/throughput.png" ] &&
		pass plot-window-no-run-figures || fail plot-window-no-run-figures "$(ls "$TMP/o" | tr '\n' ' ')"
	# a window of the run: its outcomes are drawn, from its figures
	"$RATESIM" plot "$TMP/o" --window peak --quiet
	nfail=$(awk '$2 == "\"failed\"" { print $3 }' "$TMP/o/outcomes.dat")
	[ "$nfail" = "$f" ] && grep -q '^offered_when = "in the window"' "$TMP/o/outcomes.gp" &&
		pass plot-window-outcomes || fail plot-window-outcomes "failed $nfail, want $f"
	# plot without --window draws the whole run again
	"$RATESIM" plot "$TMP/o" --quiet && [ -s "$TMP/o/latency_cdf.png" ] &&
		grep -q '^t_min = 0$' "$TMP/o/rate_429.gp" && pass plot-whole-run-again ||
		fail plot-whole-run-again "$(ls "$TMP/o" | tr '\n' ' ')"
else
	skip plot-window-range "no gnuplot"
fi
expect plot-window-unknown 2 "ratesim: $TMP/o/summary.json: the run has no window \"nope\" (its windows: peak, all); a window is simulated with the run (--window START:END, or \"windows\" in the scenario)
try 'ratesim --help'" -- plot "$TMP/o" --window nope

# pct_mean A B: the mean of two fractions, as a percentage with 2 decimals
pct_mean() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f%%", 50 * (a + b) }'; }
# ---- run -r N --window: a second line, the window's figures over the replications ----
"$RATESIM" run "$S" -r 2 --no-charts -o "$TMP/rep" --window peak 2>/dev/null >"$TMP/rep-lines"
r1=$(fig "$TMP/rep/rep-1/summary.json" peak rate_429)
r2=$(fig "$TMP/rep/rep-2/summary.json" peak rate_429)
want="win, window peak [100, 250) s: 429 rate $(pct_mean "$r1" "$r2") +- "
grep -qF "$want" "$TMP/rep-lines" && pass replicate-window-line ||
	fail replicate-window-line "want [$want] in $(cat "$TMP/rep-lines")"

hint="try 'ratesim --help'"
# ---- compare --window: the lines, the table and the verdicts are the window's ----
"$RATESIM" compare "$S" "$S" -r 2 --no-charts --quiet -o "$TMP/cmp" --window 100:250 \
	--set 'clients[0].arrival.rate_rps=3'
"$RATESIM" collect "$TMP/cmp" >"$TMP/cmp-lines"
r1=$(fig "$TMP/cmp/win/rep-1/summary.json" window rate_429)
r2=$(fig "$TMP/cmp/win/rep-2/summary.json" window rate_429)
want="win: 429 rate $(pct_mean "$r1" "$r2") +- "
grep -q "^ratesim: 2 candidates x 2 replications (mean +- 95% interval, window window):" "$TMP/cmp-lines" &&
	grep -qF "$want" "$TMP/cmp-lines" && pass compare-window-lines ||
	fail compare-window-lines "want [$want] in $(cat "$TMP/cmp-lines")"
grep -qF 'Figures are over the window \[100, 250) s of each run' "$TMP/cmp/report.md" &&
	pass compare-window-report || fail compare-window-report "$(grep -o 'Figures are over[^;]*' "$TMP/cmp/report.md")"
# the same folder without the window: the runs' figures, which differ
"$RATESIM" compare "$S" "$S" -r 2 --no-charts --quiet -o "$TMP/cmp0" --set 'clients[0].arrival.rate_rps=3'
"$RATESIM" collect "$TMP/cmp0" | grep -q "^win: 429 rate $(pct_mean "$r1" "$r2") " &&
	fail compare-window-differs "the runs' 429 rate equals the window's" || pass compare-window-differs
expect compare-window-unknown 2 "ratesim: --window peak2: $S has no window \"peak2\" (--window START:END adds one to every candidate)
$hint" -- compare "$S" "$S" -r 2 --quiet -o "$TMP/cmp2" --window peak2
# plot --window NAME on the comparison: its report over another window the runs have
expect plot-window-not-in-runs 2 "ratesim: the runs have no window \"peak2\" (summary.json has no windows.peak2); a window is simulated with the runs: compare --window
$hint" -- plot "$TMP/cmp0" --window peak2

# ---- bad --window values: misuse, exit 2 ----
bad_syntax="--window needs START:END, each a number of seconds >= 0 (at most 34560000) or with m, h or d (e.g. 1h:2h)"
expect window-not-a-time 2 "ratesim: $bad_syntax, got 1x:2
$hint" -- run "$S" --window 1x:2
expect window-negative 2 "ratesim: $bad_syntax, got -5:10
$hint" -- run "$S" --window=-5:10
expect window-empty-end 2 "ratesim: $bad_syntax, got 10:
$hint" -- run "$S" --window 10:
expect window-end-before-start 2 "ratesim: --window 5m:1m: END must be after START
$hint" -- run "$S" --window 5m:1m
expect window-bad-name 2 "ratesim: --window needs START:END (e.g. 3600:7200 or 1h:2h) or a window's name (letters, digits, '_', '-'), got pe.ak
$hint" -- run "$S" --window pe.ak
expect window-unknown-name 2 "ratesim: --window nope: $S has no window \"nope\" (its windows: peak, all)
$hint" -- run "$S" --window nope
expect window-not-for-validate 2 "ratesim: --window does not apply to validate
$hint" -- validate "$S" --window 1:2
# past the run's end: the scenario check refuses the window it adds
expect window-past-the-end 1 "ratesim: $S: .windows.window.end_s: must be <= duration_s (400) (got 3600)" \
	-- run "$S" --window 0:1h

# ---- bad "windows" keys: exit 1, the file and the JSON path ----
expect windows-not-object 1 "ratesim: $S: .windows: must be an object (got an array)" \
	-- validate "$S" --set 'windows=[]'
expect window-end-not-after-start 1 "ratesim: $S: .windows.peak.end_s: must be > start_s (100) (got 100)" \
	-- validate "$S" --set 'windows.peak.end_s=100'
expect window-end-past-duration 1 "ratesim: $S: .windows.peak.end_s: must be <= duration_s (400) (got 401)" \
	-- validate "$S" --set 'windows.peak.end_s=401'
expect window-start-negative 1 "ratesim: $S: .windows.peak.start_s: must be >= 0 (got -1)" \
	-- validate "$S" --set 'windows.peak.start_s=-1'
expect window-missing-end 1 "ratesim: $S: .windows.x.end_s: required key is missing" \
	-- validate "$S" --set 'windows.x={"start_s":1}'
expect window-unknown-key 1 "ratesim: $S: .windows.x.ends: unknown key; did you mean \"end_s\"?" \
	-- validate "$S" --set 'windows.x={"start_s":1,"end_s":2,"ends":3}'
expect window-bad-name-key 1 "ratesim: $S: .windows[\"a.b\"]: a window's name must be 1 to 64 letters, digits, '_' or '-' (it names the window's figures, e.g. windows.peak.rate_429)" \
	-- validate "$S" --set 'windows["a.b"]={"start_s":1,"end_s":2}'
many='{'
for k in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17; do
	many="$many\"w$k\":{\"start_s\":0,\"end_s\":1}"; [ $k -lt 17 ] && many="$many,"
done
expect windows-too-many 1 "ratesim: $S: .windows.w17: too many windows (at most 16)" \
	-- validate "$S" --set "windows=$many}"

finish
