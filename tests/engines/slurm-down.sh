#!/bin/sh
# slurm-down.sh - stop the private Slurm that slurm-up.sh started, and
# remove its folder ($RATESIM_SLURM_DIR, default /tmp/ratesim-slurm).
#
# Stops exactly the processes named by the pid files in that folder (after
# checking that each pid is still the daemon it was), plus the slurmstepd
# processes of that slurmd (marked by RATESIM_SLURM_DIR in their
# environment).  Jobs still queued are cancelled first.  Safe to call twice,
# or when slurm-up.sh never ran: it then says so and exits 0.  Exits 1 only
# when a daemon it started is still alive after SIGKILL.
set -u
PATH="$PATH:/usr/sbin:/sbin"
DIR=${RATESIM_SLURM_DIR:-/tmp/ratesim-slurm}
CONF=$DIR/slurm.conf

say() { echo "slurm-down: $*" >&2; }

if [ "${RATESIM_SLURM_LOCKED:-}" != 1 ] && command -v flock >/dev/null 2>&1 && [ -d "$(dirname "$DIR")" ]; then
	exec 9>"$DIR.lock" && flock -w 120 9 || say "warning: could not take $DIR.lock; going on"
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
# The slurmstepd processes that our slurmd forked (they outlive it).
steps() {
	for p in $(pgrep -x slurmstepd 2>/dev/null); do
		running "$p" slurmstepd || continue
		tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qx "RATESIM_SLURM_DIR=$DIR" && echo "$p"
	done
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
# shellcheck disable=SC2046
stop slurmstepd $(steps)
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
