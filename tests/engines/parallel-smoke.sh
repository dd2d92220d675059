#!/bin/sh
# parallel-smoke.sh - GNU parallel runs a jobs file (one shell command a
# line, as `ratesim ... --emit-jobs` writes it) on this machine.
#
# `parallel --will-cite --jobs 2 < jobs.txt`: every line runs once, at most
# two at a time, in the caller's folder (the lines use relative paths), and
# parallel's exit status counts the lines that failed.  --will-cite keeps
# GNU parallel from printing its citation notice or waiting on a terminal.
# Last line: "N passed, N failed".
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

if ! parallel --version 2>/dev/null | grep -q 'GNU parallel'; then
	fail gnu-parallel "GNU parallel is not installed (Debian package 'parallel'; sh scripts/deps.sh installs it)"
	finish
	exit 1
fi
pass gnu-parallel
# Without HOME, parallel warns that it uses /tmp for ~/.parallel.
[ -n "${HOME:-}" ] || export HOME="$TMP"

# Four lines; each logs its start and end (O_APPEND lines) around a 1 s
# sleep, so that the log shows how many ran at once, and writes its output
# under a relative path.
mkdir -p "$TMP/sub/out"
for i in 1 2 3 4; do
	echo "echo start >> $TMP/log; sleep 1; echo line-$i > out/line-$i.txt; echo end >> $TMP/log"
done >"$TMP/sub/jobs.txt"

t0=$(date +%s)
(cd "$TMP/sub" && parallel --will-cite --jobs 2 --joblog "$TMP/joblog" <jobs.txt) </dev/null >"$TMP/out" 2>&1
rc=$?
secs=$(($(date +%s) - t0))
[ $rc -eq 0 ] && pass parallel-exit-0 || fail parallel-exit-0 "exit $rc: $(cat "$TMP/out")"
[ ! -s "$TMP/out" ] && pass parallel-quiet || fail parallel-quiet "printed: $(head -n 5 "$TMP/out")"

ok=1
for i in 1 2 3 4; do
	[ "$(cat "$TMP/sub/out/line-$i.txt" 2>/dev/null)" = "line-$i" ] || { fail "line-$i-output" "out/line-$i.txt missing or wrong"; ok=0; }
done
[ $ok = 1 ] && pass every-line-ran
n=$(ls "$TMP/sub/out" | wc -l)
[ "$n" -eq 4 ] && pass each-line-once || fail each-line-once "$n output files"

# At most two at once, and really two (four 1 s lines in about 2 s, not 4).
most=$(awk '/start/ { n++; if (n > m) m = n } /end/ { n-- } END { print m + 0 }' "$TMP/log")
[ "$most" -eq 2 ] && pass jobs-2-runs-two-at-once || fail jobs-2-runs-two-at-once "at most $most ran at once"
echo "4 lines of 1 s under --jobs 2: $secs s"

# The job log has one row per line with its exit value.
rows=$(awk -F '\t' 'NR > 1 && $7 == 0' "$TMP/joblog" | wc -l)
[ "$rows" -eq 4 ] && pass joblog || fail joblog "$(cat "$TMP/joblog")"

# A failing line: the others still run, and the exit status is the count of
# failed lines.
printf '%s\n' "echo a > $TMP/f-a" "exit 3" "echo c > $TMP/f-c" >"$TMP/fail.txt"
parallel --will-cite --jobs 2 <"$TMP/fail.txt" >/dev/null 2>&1
rc=$?
[ $rc -eq 1 ] && [ -f "$TMP/f-a" ] && [ -f "$TMP/f-c" ] && pass failing-line-counted || fail failing-line-counted "exit $rc"

finish
