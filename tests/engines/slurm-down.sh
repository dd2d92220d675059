#!/bin/sh
# slurm-down.sh - stop the private Slurm that slurm-up.sh started, and
# remove its folder ($RATESIM_SLURM_DIR, default /tmp/ratesim-slurm).
#
# Stops exactly the processes named by the pid files in that folder (after
# checking that each pid is still the daemon it was), plus any slurmstepd
# that slurmd left (found by its working folder, which is in that folder)
# and the job processes below it.  Jobs still queued are cancelled first.  Safe to call twice,
# or when slurm-up.sh never ran: it then says so and exits 0.  Exits 1 only
# when a daemon it started is still alive after SIGKILL.
set -u
PATH="$PATH:/usr/sbin:/sbin"
DIR=${RATESIM_SLURM_DIR:-/tmp/ratesim-slurm}
CONF=$DIR/slurm.conf

say() { echo "slurm-down: $*" >&2; }

if [ "${RATESIM_SLURM_LOCKED:-}" != 1 ] && command -v flock >/dev/null 2>&1 && [ -d "$(dirname "$DIR")" ]; then
	if (: >>"$DIR.lock") 2>/dev/null; then
		exec 9>>"$DIR.lock"
		flock -w 120 9 || say "warning: could not take $DIR.lock; going on"
	fi
fi
if [ ! -e "$DIR" ]; then
	say "nothing to stop ($DIR does not exist)"
	exit 0
fi

# running PID NAME: PID is a live process called NAME (a zombie is dead:
# this machine's init may take seconds to reap an orphan).
running() {
	[ "$(cat /proc/"$1"/comm 2>/dev/null)" = "$2" ] || return 1
	st=$(sed 's/.*) //' /proc/"$1"/stat 2>/dev/null | cut -d' ' -f1)
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}
pid_of() { # pid_of PIDFILE NAME: print the pid if it is a live NAME
	[ -s "$1" ] || return 1
	p=$(cat "$1" 2>/dev/null) || return 1
	case $p in '' | *[!0-9]*) return 1 ;; esac
	running "$p" "$2" && echo "$p"
}
# The slurmstepd processes of our slurmd (they outlive it; their working
# folder and log are in $DIR), and every process below them (the jobs).
steps() {
	for d in /proc/[0-9]*; do
		c=""; { read -r c <"$d/comm"; } 2>/dev/null
		[ "$c" = slurmstepd ] || continue
		p=${d#/proc/}
		running "$p" slurmstepd || continue
		readlink "$d/cwd" "$d"/fd/* 2>/dev/null |
			awk -v d="$DIR" '$0 == d || index($0, d "/") == 1 { f = 1 } END { exit !f }' && echo "$p"
	done
}
below() { # below PID...: every descendant of these processes (from /proc)
	[ $# -gt 0 ] || return 0
	for d in /proc/[0-9]*; do
		sed -n 's/^[0-9]* (.*) [A-Za-z] \([0-9]*\) .*/\1/p' "$d/stat" 2>/dev/null | sed "s|^|${d#/proc/} |"
	done | awk -v roots="$*" '
		BEGIN { n = split(roots, r, " "); for (i = 1; i <= n; i++) mark[r[i]] = 1 }
		{ parent[$1] = $2 }
		END {
			do { more = 0
				for (p in parent) if (!(p in mark) && (parent[p] in mark)) { mark[p] = 2; more = 1 }
			} while (more)
			for (p in mark) if (mark[p] == 2) print p
		}'
}

# Cancel what is still queued or running, while the controller answers.
ctld=$(pid_of "$DIR/slurmctld.pid" slurmctld)
if [ -n "$ctld" ] && [ -f "$CONF" ] && command -v scancel >/dev/null 2>&1; then
	if [ -n "$(SLURM_CONF=$CONF timeout 10 squeue -h -o %i 2>/dev/null)" ]; then
		say "cancelling the jobs still in the queue"
		SLURM_CONF=$CONF timeout 10 scancel --partition=ratesim >/dev/null 2>&1
		i=0
		while [ $i -lt 20 ] && [ -n "$(SLURM_CONF=$CONF timeout 10 squeue -h -o %i 2>/dev/null)" ]; do
			sleep 0.5; i=$((i + 1))
		done
	fi
fi

# slurmd first (and its steps), then the controller, then munged.
left=""
stop() { # stop NAME PID...
	name=$1; shift
	[ $# -gt 0 ] || return 0
	kill -TERM "$@" 2>/dev/null
	i=0
	while [ $i -lt 100 ]; do
		any=""
		for p in "$@"; do running "$p" "$name" && any=1; done
		[ -z "$any" ] && { say "stopped $name ($*)"; return 0; }
		sleep 0.1; i=$((i + 1))
	done
	say "$name ($*) ignored SIGTERM for 10 s; sending SIGKILL"
	kill -KILL "$@" 2>/dev/null
	sleep 0.5
	for p in "$@"; do running "$p" "$name" && left="$left $name:$p"; done
	return 0
}
# shellcheck disable=SC2046
stop slurmd $(pid_of "$DIR/slurmd.pid" slurmd)
# A slurmstepd whose slurmd is gone waits on it and ignores SIGTERM: its
# job's processes get SIGTERM then SIGKILL, and it gets SIGKILL.
stepds=$(steps)
if [ -n "$stepds" ]; then
	# shellcheck disable=SC2086
	procs=$(below $stepds)
	say "stopping the job steps left by slurmd: slurmstepd $(echo $stepds) and their processes $(echo $procs)"
	# shellcheck disable=SC2086
	[ -n "$procs" ] && kill -TERM $procs 2>/dev/null && sleep 1 && kill -KILL $procs 2>/dev/null
	# shellcheck disable=SC2086
	kill -KILL $stepds 2>/dev/null
	sleep 0.5
	for p in $stepds; do running "$p" slurmstepd && left="$left slurmstepd:$p"; done
fi
# shellcheck disable=SC2046
stop slurmctld $(pid_of "$DIR/slurmctld.pid" slurmctld)
# shellcheck disable=SC2046
stop munged $(pid_of "$DIR/munge/munged.pid" munged)

if [ -n "$left" ]; then
	say "error: still running after SIGKILL:$left; leaving $DIR in place"
	exit 1
fi
rm -rf "$DIR"
say "removed $DIR"
exit 0
