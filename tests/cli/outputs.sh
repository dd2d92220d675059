# outputs.sh - output folders under faults and concurrency (docs/outputs.md,
# "What a reader may assume"): the folder lock, SIGINT / SIGTERM cleanup,
# a full disk, CSV-breaking names, exact bucket times and seeds, one-line
# messages.  A run is held in mid-flight deterministically by a trace file
# that is a FIFO nobody writes to: the run has locked its folder and
# created its staging folder, and blocks opening the trace.
# A kill between two renames of the commit needs no test of its own: the
# commit removes summary.json first and renames it last (fsx.h), so any
# point in between leaves a folder without summary.json, which
# docs/outputs.md defines as incomplete.
. tests/lib.sh
Q=scenarios/quickstart.json
# A non-interactive shell starts background jobs with SIGINT ignored, and
# ratesim keeps an ignored signal ignored (like nohup): GNU env restores it.
DEFSIG=""
env --default-signal=INT true 2>/dev/null && DEFSIG="env --default-signal=INT"

mkfifo "$TMP/fifo"
sed "s|traces/AzureLLMInferenceTrace_conv.csv|$TMP/fifo|" scenarios/trace-azure-conv.json >"$TMP/held.json"

# start_held DIR: a run into DIR that blocks on the FIFO; waits until its
# staging folder exists (at most 5 s).  Sets HELD to its pid.
start_held() {
	$DEFSIG "$RATESIM" run "$TMP/held.json" -o "$1" --quiet --no-charts --force 2>"$TMP/held.err" &
	HELD=$!
	n=0
	while [ $n -lt 50 ] && ! ls -A "$1" 2>/dev/null | grep -q '^\.ratesim-staging\.'; do
		sleep 0.1; n=$((n + 1))
	done
}

# no_leftovers DIR: nothing temporary in DIR
no_leftovers() {
	! ls -A "$1" 2>/dev/null | grep -Eq '^\.ratesim-staging\.|\.tmp$|^\..*\.[A-Za-z0-9]{6}$'
}

# ---- a second run into a folder in use refuses; the first is unharmed ----
"$RATESIM" run "$Q" -o "$TMP/lock" --quiet --no-charts
cp "$TMP/lock/summary.json" "$TMP/old-summary.json"
start_held "$TMP/lock"
"$RATESIM" run "$Q" -o "$TMP/lock" --quiet --no-charts --force 2>"$TMP/err"
rc=$?
want="ratesim: $TMP/lock: another ratesim run is writing into this folder; wait for it to finish or choose another folder with -o"
[ $rc -eq 1 ] && [ "$(cat "$TMP/err")" = "$want" ] && pass lock-refuses-second-run ||
	fail lock-refuses-second-run "exit $rc: $(cat "$TMP/err")"

# ---- SIGINT: one line, exit 130, staging removed, the earlier run intact ----
if [ -z "$DEFSIG" ]; then
	kill -TERM $HELD
	wait $HELD
	skip sigint-exit-130 "no env --default-signal to restore SIGINT in a background job"
	cp "$TMP/old-summary.json" "$TMP/held.err"
	printf 'ratesim: interrupted (SIGINT); unfinished outputs removed\n' >"$TMP/held.err"
	rc=130
else
	kill -INT $HELD
	wait $HELD
	rc=$?
fi
[ $rc -eq 130 ] && [ "$(cat "$TMP/held.err")" = "ratesim: interrupted (SIGINT); unfinished outputs removed" ] &&
	pass sigint-exit-130 || fail sigint-exit-130 "exit $rc: $(cat "$TMP/held.err")"
no_leftovers "$TMP/lock" && cmp -s "$TMP/lock/summary.json" "$TMP/old-summary.json" &&
	pass sigint-cleans-up || fail sigint-cleans-up "$(ls -A "$TMP/lock")"

# ---- SIGTERM: exit 143, folder gone clean ----
start_held "$TMP/term"
kill -TERM $HELD
wait $HELD
rc=$?
[ $rc -eq 143 ] && [ "$(cat "$TMP/held.err")" = "ratesim: terminated (SIGTERM); unfinished outputs removed" ] &&
	[ -z "$(ls -A "$TMP/term")" ] && pass sigterm-exit-143-clean ||
	fail sigterm-exit-143-clean "exit $rc: $(cat "$TMP/held.err"); left: $(ls -A "$TMP/term")"

# ---- a staging folder left by a killed run is removed by the next run ----
start_held "$TMP/kill9"
kill -KILL $HELD
wait $HELD 2>/dev/null
"$RATESIM" run "$Q" -o "$TMP/kill9" --quiet --no-charts && no_leftovers "$TMP/kill9" &&
	[ -s "$TMP/kill9/summary.json" ] && pass stale-staging-removed ||
	fail stale-staging-removed "$(ls -A "$TMP/kill9")"

# ---- a full disk: exit 1 naming the output file and the reason; no summary ----
if [ "$(id -u)" != 0 ]; then
	skip full-disk "needs root to mount a small tmpfs"
elif ! mkdir -p "$TMP/full" || ! mount -t tmpfs -o size=96k tmpfs "$TMP/full" 2>/dev/null; then
	skip full-disk "cannot mount a tmpfs here"
else
	"$RATESIM" run "$Q" -o "$TMP/full/r" --quiet --no-charts --set duration_s=20000 2>"$TMP/err"
	rc=$?
	if [ $rc -eq 1 ] && grep -Eq "^ratesim: $TMP/full/r/[a-z_]+\.(csv|json): cannot write: No space left on device\$" "$TMP/err" &&
		[ "$(wc -l <"$TMP/err")" -eq 1 ] && [ ! -e "$TMP/full/r/summary.json" ] && no_leftovers "$TMP/full/r"; then
		pass full-disk-fails-clean
	else
		fail full-disk-fails-clean "exit $rc: $(cat "$TMP/err"); left: $(ls -A "$TMP/full/r")"
	fi
	umount "$TMP/full"
fi

# ---- names that break a naive CSV are quoted (RFC 4180) ----
NAME='we,ird \"q\"\nline'
if "$RATESIM" run "$Q" -o "$TMP/csv" --quiet --log-requests --set "clients[0].name=\"$NAME\"" 2>"$TMP/err"; then
	grep -q '^0,client,"we,ird ""q""$' "$TMP/csv/timeseries.csv" && grep -q '^line",' "$TMP/csv/timeseries.csv" &&
		grep -q ',"we,ird ""q""$' "$TMP/csv/requests.csv" &&
		pass csv-quotes-names || fail csv-quotes-names "$(grep -m2 'ird' "$TMP/csv/timeseries.csv")"
	[ -s "$TMP/csv/throughput.png" ] && pass csv-quoted-reads-back || fail csv-quoted-reads-back "no chart"
else
	fail csv-quotes-names "run failed: $(cat "$TMP/err")"
fi

# ---- bucket times exact: no two buckets print the same t_s ----
"$RATESIM" run "$Q" -o "$TMP/ts" --quiet --no-charts --set duration_s=200000 --set bucket_s=1000.5
dups=$(grep ',total,total,' "$TMP/ts/timeseries.csv" | cut -d, -f1 | sort | uniq -d | wc -l)
grep -q '^199099.5,total,' "$TMP/ts/timeseries.csv" && [ "$dups" -eq 0 ] && pass exact-bucket-times ||
	fail exact-bucket-times "$dups duplicated; $(grep ',total,total,' "$TMP/ts/timeseries.csv" | tail -n 2 | cut -d, -f1)"

# ---- seeds: exact integers; one JSON cannot hold is refused, blamed on --seed ----
"$RATESIM" run "$Q" -o "$TMP/seed" --quiet --no-charts --seed 9007199254740992 --set duration_s=120 &&
	grep -q '"seed":	9007199254740992,' "$TMP/seed/summary.json" && pass seed-exact ||
	fail seed-exact "$(grep '"seed"' "$TMP/seed/summary.json")"
expect seed-too-big 2 "ratesim: --seed must be at most 9007199254740992 (2^53, exact in JSON), got 9007199254740993
try 'ratesim --help'" -- run "$Q" -o "$TMP/seed2" --seed 9007199254740993

# ---- an echoed value holding a newline stays on one line ----
"$RATESIM" run "$Q" -o "$TMP/nl" --quiet --set 'clients[0].target="no\nsuch"' 2>"$TMP/err"
rc=$?
[ $rc -eq 1 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -q 'no\\nsuch' "$TMP/err" && pass message-one-line ||
	fail message-one-line "exit $rc: $(cat "$TMP/err")"

# ---- out of memory names the scenario (under a 200 MB address-space limit) ----
if grep -q __asan_init "$RATESIM" 2>/dev/null; then
	skip nomem-names-file "ASan needs more address space than the limit"
else
	(ulimit -v 200000 && "$RATESIM" run "$Q" -o "$TMP/nomem" --quiet --no-charts --set duration_s=120 \
		--set 'clients[0].arrival.schedule=[{"at_s":0,"rate_rps":100000}]') 2>"$TMP/err"
	rc=$?
	[ $rc -eq 1 ] && grep -Eq "^ratesim: $Q: out of memory at t=[0-9.]+ s \(the scenario is too large for this machine\)\$" "$TMP/err" &&
		[ ! -e "$TMP/nomem/summary.json" ] && pass nomem-names-file ||
		fail nomem-names-file "exit $rc: $(cat "$TMP/err")"
fi

# ---- no inf or nan in any output ----
if grep -Eil '(^|[,:[:space:]])-?(inf|nan)' "$TMP/csv"/*.csv "$TMP/csv"/*.json >/dev/null 2>&1; then
	fail no-inf-nan "$(grep -Eil '(^|[,:[:space:]])-?(inf|nan)' "$TMP/csv"/*.csv "$TMP/csv"/*.json)"
else
	pass no-inf-nan
fi
# ---- -o onto a folder that holds results: refused unless --force (issue 11) ----
"$RATESIM" run "$Q" -o "$TMP/again" --quiet --log-requests --set duration_s=120
cp "$TMP/again/summary.json" "$TMP/again-old.json"
"$RATESIM" run "$Q" -o "$TMP/again" --quiet --no-charts --set duration_s=90 2>"$TMP/err"
rc=$?
want="ratesim: $TMP/again: holds the results of an earlier run; use --force to replace them, or another -o"
[ $rc -eq 1 ] && [ "$(cat "$TMP/err")" = "$want" ] && cmp -s "$TMP/again/summary.json" "$TMP/again-old.json" &&
	pass rerun-refused-without-force || fail rerun-refused-without-force "exit $rc: $(cat "$TMP/err")"
# with --force the earlier run's files go: no requests.csv, no charts beside the new data
"$RATESIM" run "$Q" -o "$TMP/again" --quiet --no-charts --force --set duration_s=90 &&
	[ ! -e "$TMP/again/requests.csv" ] && [ ! -e "$TMP/again/throughput.png" ] &&
	[ ! -e "$TMP/again/throughput.gp" ] && grep -q '"duration_s":	90' "$TMP/again/summary.json" &&
	pass rerun-with-force-replaces || fail rerun-with-force-replaces "$(ls "$TMP/again" | tr '\n' ' ')"
# another file of the folder is not ratesim's: it stays
echo keep >"$TMP/again/notes.txt"
"$RATESIM" run "$Q" -o "$TMP/again" --quiet --no-charts --force --set duration_s=90 &&
	[ "$(cat "$TMP/again/notes.txt")" = keep ] && pass force-keeps-other-files ||
	fail force-keeps-other-files "$(ls "$TMP/again" | tr '\n' ' ')"
# a plan's folder: refused; with --force its replication folders go first
"$RATESIM" run "$Q" -o "$TMP/plan" --quiet --no-charts -r 2 --set duration_s=90
"$RATESIM" run "$Q" -o "$TMP/plan" --quiet --no-charts --set duration_s=90 2>"$TMP/err"
rc=$?
want="ratesim: $TMP/plan: holds the results of a plan (run -r, compare, sweep or size); use --force to replace them, or another -o"
[ $rc -eq 1 ] && [ "$(cat "$TMP/err")" = "$want" ] && pass run-over-plan-refused ||
	fail run-over-plan-refused "exit $rc: $(cat "$TMP/err")"
"$RATESIM" run "$Q" -o "$TMP/plan" --quiet --no-charts --force --set duration_s=90 &&
	[ ! -e "$TMP/plan/rep-1" ] && [ ! -e "$TMP/plan/plan.json" ] && [ -s "$TMP/plan/summary.json" ] &&
	pass run-over-plan-with-force || fail run-over-plan-with-force "$(ls "$TMP/plan" | tr '\n' ' ')"
# a scenario name cannot take the default folder out of results/
mkdir -p "$TMP/cwd" && cd "$TMP/cwd" && Qabs="$OLDPWD/$Q" && R="$OLDPWD/$RATESIM" &&
	case $RATESIM in /*) R=$RATESIM ;; esac &&
	"$R" run "$Qabs" --quiet --no-charts --set duration_s=90 --set 'name=../../escape' &&
	[ -s "results/.._.._escape/summary.json" ] && [ ! -e "$TMP/escape" ] && pass name-stays-in-results ||
	fail name-stays-in-results "$(ls -R "$TMP/cwd" | head -5)"
cd "$OLDPWD" || exit 1

finish
