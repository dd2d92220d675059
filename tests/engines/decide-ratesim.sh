#!/bin/sh
# decide-ratesim.sh - one replicated run made by four executors gives
# byte-identical results: the built-in pool with -j 1 and -j 2, GNU
# parallel running the jobs file, and a single-node Slurm running
# jobs.sbatch (both for real), each followed by `ratesim collect`.  Also:
# collect names a missing run instead of averaging around it.
# Last line: "N passed, N failed".
cd "$(dirname "$0")/../.." || exit 1
# One Slurm test at a time on this machine (another checkout's test run
# would bring the shared single-node cluster down under this one).
if [ -z "${RATESIM_SLURM_LOCKED:-}" ] && command -v flock >/dev/null 2>&1; then
	RATESIM_SLURM_LOCKED=1 exec flock /tmp/ratesim-slurm.session.lock sh "$0" "$@"
fi
. tests/lib.sh
E=tests/engines
Q=scenarios/quickstart.json
R=6
FILES="summary.json runs.csv points.csv bands.csv timeseries.csv latency_cdf.csv"
export RATESIM_SLURM_DIR="${RATESIM_SLURM_DIR:-/tmp/ratesim-slurm}"
started=0
cleanup() {
	[ $started = 1 ] && sh $E/slurm-down.sh >/dev/null 2>&1
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

RUN="run $Q --set duration_s=300 -r $R --no-charts --quiet"

# same: every aggregate file of $1 equals the reference's
same() {
	bad=""
	for f in $FILES; do
		cmp -s "$TMP/j1/$f" "$1/$f" || bad="$bad $f"
	done
	[ -z "$bad" ] && pass "$2" || fail "$2" "differs from -j 1:$bad"
}

"$RATESIM" $RUN -j 1 -o "$TMP/j1" && pass pool-j1 || fail pool-j1 "run -r failed"
"$RATESIM" $RUN -j 2 -o "$TMP/j2" && same "$TMP/j2" pool-j2-identical || fail pool-j2-identical "run -r failed"

# the jobs file: one self-contained `ratesim run` per line
"$RATESIM" $RUN --emit-jobs "$TMP/jobs.txt" -o "$TMP/gp" 2>/dev/null
[ "$(wc -l < "$TMP/jobs.txt")" -eq $R ] && grep -q -- '--replication 3' "$TMP/jobs.txt" &&
	[ -f "$TMP/gp/jobs.sbatch" ] && [ ! -e "$TMP/gp/rep-1" ] && pass emit-jobs ||
	fail emit-jobs "$(head -n 2 "$TMP/jobs.txt")"

# collect before the jobs ran: each missing run named, exit 1
"$RATESIM" collect "$TMP/gp" 2>"$TMP/err"
rc=$?
[ $rc -eq 1 ] && grep -q "$R of $R runs missing or incomplete: $TMP/gp/rep-1 (no summary.json)" "$TMP/err" &&
	pass collect-names-missing || fail collect-names-missing "exit $rc: $(cat "$TMP/err")"

# GNU parallel, for real
if command -v parallel >/dev/null 2>&1; then
	if parallel --will-cite --jobs 2 < "$TMP/jobs.txt" && "$RATESIM" collect "$TMP/gp" --no-charts --quiet; then
		same "$TMP/gp" gnu-parallel-identical
	else
		fail gnu-parallel-identical "parallel or collect failed"
	fi
	# one run removed: collect names it
	rm -rf "$TMP/gp/rep-4"
	"$RATESIM" collect "$TMP/gp" --quiet 2>"$TMP/err"
	[ $? -eq 1 ] && grep -q "1 of $R runs missing or incomplete: $TMP/gp/rep-4 (no summary.json)" "$TMP/err" &&
		pass collect-one-missing || fail collect-one-missing "$(cat "$TMP/err")"
else
	fail gnu-parallel-identical "GNU parallel is not installed (scripts/deps.sh installs it)"
fi

# Slurm, for real: a job array of the jobs file
"$RATESIM" $RUN --emit-jobs "$TMP/jobs-slurm.txt" -o "$TMP/sl" 2>/dev/null
if out=$(sh $E/slurm-up.sh 2>"$TMP/up.err"); then
	grep -q reusing "$TMP/up.err" || started=1
	eval "$out"
	if job=$(sbatch --parsable "$TMP/sl/jobs.sbatch" 2>"$TMP/sbatch.err"); then
		job=${job%%;*}
		if sh $E/slurm-wait.sh "$job" 300 >"$TMP/wait" 2>&1 &&
			"$RATESIM" collect "$TMP/sl" --no-charts --quiet; then
			same "$TMP/sl" slurm-identical
		else
			fail slurm-identical "$(cat "$TMP/wait") $(cat "$TMP"/sl/slurm-*.out 2>/dev/null | head -n 5)"
		fi
	else
		fail slurm-identical "sbatch: $(cat "$TMP/sbatch.err")"
	fi
else
	fail slurm-identical "slurm-up.sh: $(tail -n 5 "$TMP/up.err")"
fi
finish
