#!/bin/sh
# slurm-wait.sh JOBID [TIMEOUT] - wait for a Slurm job (or a whole job
# array) to finish, then say whether every task completed with exit code 0.
#
# Polls `scontrol show job` twice a second (sbatch --wait polls far more
# slowly), for at most TIMEOUT seconds (default 120).  Needs SLURM_CONF (see
# slurm-up.sh).  Prints one line per task ("4_2 COMPLETED 0:0") and exits 0
# when all completed with 0:0, 1 when one did not, 2 on timeout (the job is
# then cancelled, so that nothing is left running).
set -u
PATH="$PATH:/usr/sbin:/sbin"
[ $# -ge 1 ] || { echo "usage: slurm-wait.sh JOBID [TIMEOUT]" >&2; exit 2; }
job=$1
timeout=${2:-120}

# One line per job record: ID STATE EXITCODE, ID being ARRAYJOB_TASK(S).
records() {
	scontrol -o show job "$job" 2>/dev/null | awk '{
		id = ""; aid = ""; task = ""; st = ""; ec = ""
		for (i = 1; i <= NF; i++) {
			split($i, kv, "=")
			if (kv[1] == "JobId") id = kv[2]
			else if (kv[1] == "ArrayJobId") aid = kv[2]
			else if (kv[1] == "ArrayTaskId") task = kv[2]
			else if (kv[1] == "JobState") st = kv[2]
			else if (kv[1] == "ExitCode") ec = kv[2]
		}
		if (task != "") id = aid "_" task
		print id, st, ec
	}' | sort -V
}

start=$(date +%s)
while :; do
	r=$(records)
	[ -n "$r" ] || { echo "slurm-wait: job $job is unknown to slurmctld" >&2; exit 1; }
	busy=$(echo "$r" | awk '$2 ~ /^(PENDING|RUNNING|CONFIGURING|COMPLETING|SUSPENDED|REQUEUED|RESIZING|SIGNALING|STAGE_OUT)$/' | head -n 1)
	[ -z "$busy" ] && break
	if [ $(($(date +%s) - start)) -ge "$timeout" ]; then
		echo "slurm-wait: job $job not finished after $timeout s; cancelling it" >&2
		echo "$r" >&2
		scancel "$job" 2>/dev/null
		exit 2
	fi
	sleep 0.5
done
echo "$r"
echo "$r" | awk '$2 != "COMPLETED" || $3 != "0:0" { bad = 1 } END { exit bad }'
