#!/bin/sh
# slurm-smoke.sh - a real single-node Slurm runs a 3-task job array.
#
# Brings Slurm up (slurm-up.sh), submits a job-array script of the shape
# ratesim's jobs.sbatch has (#SBATCH --array, --chdir, --output; task N runs
# line N of a jobs file), waits for it (slurm-wait.sh, bounded), checks what
# each task wrote, and brings Slurm down again (slurm-down.sh, also on any
# exit) unless it was already up before this test, in which case it is left
# running for whoever started it.  Last line: "N passed, N failed".
cd "$(dirname "$0")/../.." || exit 1
# One Slurm test at a time on this machine (another checkout's test run
# would bring the shared single-node cluster down under this one).
if [ -z "${RATESIM_SLURM_LOCKED:-}" ] && command -v flock >/dev/null 2>&1; then
	RATESIM_SLURM_LOCKED=1 exec flock /tmp/ratesim-slurm.session.lock sh "$0" "$@"
fi
. tests/lib.sh
E=tests/engines
DIR=${RATESIM_SLURM_DIR:-/tmp/ratesim-slurm}
export RATESIM_SLURM_DIR="$DIR"
started=0
cleanup() {
	[ $started = 1 ] && sh $E/slurm-down.sh
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# --- up ---------------------------------------------------------------------
t0=$(date +%s)
if out=$(sh $E/slurm-up.sh 2>"$TMP/up.err"); then
	cat "$TMP/up.err"
	grep -q 'reusing' "$TMP/up.err" || started=1
	eval "$out"
	[ -n "${SLURM_CONF:-}" ] && [ -f "$SLURM_CONF" ] && pass slurm-up || fail slurm-up "no SLURM_CONF in [$out]"
else
	cat "$TMP/up.err"
	started=1
	fail slurm-up "slurm-up.sh failed"
	finish
	exit 1
fi
echo "bring-up: $(($(date +%s) - t0)) s"
st=$(sinfo -h -N -n "$(hostname -s)" -o '%T')
[ "$st" = idle ] || [ "$st" = mixed ] && pass node-idle || fail node-idle "node state '$st'"

# A second call reuses the running cluster.
if out2=$(sh $E/slurm-up.sh 2>"$TMP/up2.err") && [ "$out2" = "$out" ] && grep -q reusing "$TMP/up2.err"; then
	pass slurm-up-reuses
else
	fail slurm-up-reuses "$(cat "$TMP/up2.err")"
fi

# --- a 3-task array, the way jobs.sbatch runs a jobs file -------------------
mkdir -p "$TMP/sub" "$TMP/out"
for i in 1 2 3; do
	echo "echo line-$i > $TMP/out/line-$i.txt"
done >"$TMP/sub/jobs.txt"
cat >"$TMP/sub/jobs.sbatch" <<EOF
#!/bin/sh
#SBATCH --job-name=ratesim-smoke
#SBATCH --array=1-3
#SBATCH --chdir=$TMP/sub
#SBATCH --output=$TMP/sub/slurm-%A_%a.out
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=1
echo "\$SLURM_ARRAY_TASK_ID \$SLURM_ARRAY_JOB_ID \$(pwd)" > "$TMP/out/task-\$SLURM_ARRAY_TASK_ID"
sed -n "\${SLURM_ARRAY_TASK_ID}p" jobs.txt | sh
EOF
t1=$(date +%s)
if job=$(cd / && sbatch --parsable "$TMP/sub/jobs.sbatch" 2>"$TMP/sbatch.err"); then
	job=${job%%;*}
	pass sbatch-accepts "job $job"
	if sh $E/slurm-wait.sh "$job" 120 >"$TMP/wait" 2>&1; then
		pass array-completed
	else
		fail array-completed "$(cat "$TMP/wait")"
	fi
	cat "$TMP/wait"
	echo "array of 3: $(($(date +%s) - t1)) s from sbatch to done"

	ok=1
	for i in 1 2 3; do
		want="$i $job $TMP/sub"
		got=$(cat "$TMP/out/task-$i" 2>/dev/null)
		[ "$got" = "$want" ] || { fail "task-$i-file" "got [$got], want [$want]"; ok=0; }
		[ "$(cat "$TMP/out/line-$i.txt" 2>/dev/null)" = "line-$i" ] || { fail "task-$i-ran-line-$i" "line-$i.txt missing or wrong"; ok=0; }
		[ -f "$TMP/sub/slurm-${job}_$i.out" ] || { fail "task-$i-output" "no slurm-${job}_$i.out"; ok=0; }
	done
	[ $ok = 1 ] && pass array-task-files
	n=$(ls "$TMP/out" | wc -l)
	[ "$n" -eq 6 ] && pass exactly-three-tasks || fail exactly-three-tasks "$n files: $(ls "$TMP/out" | tr '\n' ' ')"
else
	fail sbatch-accepts "$(cat "$TMP/sbatch.err")"
fi

# --- down (only what this test brought up) -----------------------------------
if [ $started = 1 ]; then
	pids=$(cat "$DIR/slurmctld.pid" "$DIR/slurmd.pid" "$DIR/munge/munged.pid" 2>/dev/null | tr '\n' ' ')
	if sh $E/slurm-down.sh; then
		started=0
		alive=""
		for p in $pids; do # a zombie is dead (init reaps orphans late here)
			st=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | cut -d' ' -f1)
			[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ] && alive="$alive $p"
		done
		[ -z "$alive" ] && [ ! -e "$DIR" ] && pass slurm-down || fail slurm-down "still alive:$alive"
	else
		fail slurm-down "slurm-down.sh failed"
	fi
	sh $E/slurm-down.sh 2>&1 | grep -q 'nothing to stop' && pass slurm-down-twice || fail slurm-down-twice "second call did not say 'nothing to stop'"
fi
echo "total: $(($(date +%s) - t0)) s"
finish
