#!/bin/sh
# slurm-up.sh - bring up a private single-node Slurm on this machine.
#
#   eval "$(sh tests/engines/slurm-up.sh)"     # sets and exports SLURM_CONF
#
# Everything lives in one folder, $RATESIM_SLURM_DIR (default
# /tmp/ratesim-slurm): slurm.conf, the controller's state, slurmd's spool,
# logs, pid files and a private munged's socket.  Nothing is written under
# /etc except /etc/munge/munge.key when it does not exist yet (munged needs a
# key; Debian's munge package normally creates it).  No systemd: munged,
# slurmctld and slurmd are started directly, as root (munged as its own
# user), with the host's short name and CPU layout.
#
# Idempotent: when the daemons started by an earlier call are still alive and
# the node answers, they are reused.  Otherwise whatever is left of an earlier
# call is stopped (slurm-down.sh) and a fresh cluster is started.
#
# Installs nothing (scripts/deps.sh does): a missing program is reported with
# the Debian package that provides it.  Progress goes to stderr; stdout gets
# only "export SLURM_CONF=...", for eval.
#
# Environment: RATESIM_SLURM_DIR, RATESIM_SLURM_TIMEOUT (seconds to wait for
# the node to be idle, default 60), RATESIM_SLURM_PORT (slurmctld's port,
# default 6817; slurmd uses the next one).
set -u
PATH="$PATH:/usr/sbin:/sbin"
DIR=${RATESIM_SLURM_DIR:-/tmp/ratesim-slurm}
TIMEOUT=${RATESIM_SLURM_TIMEOUT:-60}
PORT=${RATESIM_SLURM_PORT:-6817}
HERE=$(cd "$(dirname "$0")" && pwd)
CONF=$DIR/slurm.conf
MSOCK=$DIR/munge/munge.socket.2
KEY=/etc/munge/munge.key

say() { echo "slurm-up: $*" >&2; }
die() { echo "slurm-up: error: $*" >&2; exit 1; }

# --- what must be installed ------------------------------------------------
missing=""
need() { # need PROGRAM PACKAGE
	command -v "$1" >/dev/null 2>&1 && return
	say "missing program '$1' (Debian package '$2')"
	case " $missing " in *" $2 "*) ;; *) missing="$missing $2" ;; esac
}
need munged munge; need munge munge; need unmunge munge
need slurmctld slurmctld; need slurmd slurmd
need sbatch slurm-client; need sinfo slurm-client; need squeue slurm-client
need scontrol slurm-client; need scancel slurm-client
need flock util-linux
[ -z "$missing" ] || die "missing packages:$missing (install them with: sh scripts/deps.sh, or apt-get install -y$missing)"
[ "$(id -u)" = 0 ] || die "must run as root (SlurmUser=root, and munged is started as user munge)"

# --- one caller at a time ---------------------------------------------------
mkdir -p "$(dirname "$DIR")"
exec 9>"$DIR.lock" || die "cannot open lock file $DIR.lock"
flock -w 120 9 || die "another slurm-up/slurm-down holds $DIR.lock for more than 120 s"

alive() { # alive PIDFILE NAME: the pid file names a live process called NAME
	[ -s "$1" ] || return 1
	p=$(cat "$1" 2>/dev/null) || return 1
	case $p in '' | *[!0-9]*) return 1 ;; esac
	[ "$(cat /proc/"$p"/comm 2>/dev/null)" = "$2" ] || return 1
	st=$(sed 's/.*) //' /proc/"$p"/stat 2>/dev/null | cut -d' ' -f1)
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ] # a zombie is dead
}
node_state() { SLURM_CONF=$CONF sinfo -h -N -n "$NODE" -o '%T' 2>/dev/null | head -n 1; }
NODE=$(hostname -s) || die "hostname -s failed"
[ -n "$NODE" ] || die "hostname -s printed nothing"

# --- reuse ------------------------------------------------------------------
if [ -f "$CONF" ] && alive "$DIR/munge/munged.pid" munged &&
	alive "$DIR/slurmctld.pid" slurmctld && alive "$DIR/slurmd.pid" slurmd; then
	st=$(node_state)
	case $st in
	idle | mixed | allocated | completing)
		say "reusing the running Slurm in $DIR (node $NODE is $st)"
		echo "export SLURM_CONF=$CONF"
		exit 0
		;;
	esac
	say "Slurm in $DIR is running but node $NODE is '${st:-not answering}'; restarting it"
fi
if [ -e "$DIR" ]; then
	say "clearing what is left of an earlier call in $DIR"
	RATESIM_SLURM_DIR="$DIR" RATESIM_SLURM_LOCKED=1 sh "$HERE/slurm-down.sh" || die "could not stop the earlier Slurm in $DIR"
fi

# Another Slurm (a system one, or another folder's) on our ports would answer
# our sinfo and fool the wait below.
listening() { # listening PORT: some process listens on TCP PORT
	hex=$(printf ':%04X' "$1")
	cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk -v h="$hex" '$4 == "0A" && substr($2, length($2) - 4) == h { f = 1 } END { exit !f }'
}
for p in "$PORT" $((PORT + 1)); do
	listening "$p" && die "TCP port $p is already in use (another slurmctld/slurmd?); set RATESIM_SLURM_PORT to a free pair of ports"
done

# --- files --------------------------------------------------------------------
mkdir -p "$DIR/state" "$DIR/spool" "$DIR/munge" || die "cannot create $DIR"
chmod 755 "$DIR"
chown munge:munge "$DIR/munge" && chmod 755 "$DIR/munge" || die "cannot give $DIR/munge to user munge"

if [ ! -s "$KEY" ]; then
	say "creating the munge key $KEY"
	mkdir -p /etc/munge && chown munge:munge /etc/munge && chmod 700 /etc/munge
	if command -v mungekey >/dev/null 2>&1; then
		mungekey --create --keyfile="$KEY" || die "mungekey could not create $KEY"
	else
		dd if=/dev/urandom of="$KEY" bs=1 count=1024 2>/dev/null || die "cannot write $KEY"
	fi
	chown munge:munge "$KEY" && chmod 400 "$KEY" || die "cannot give $KEY to user munge"
fi

# The node as slurmd sees it (sockets, cores, threads), so that the node is
# not drained for a layout mismatch; the memory is half of what is there.
hw=$(slurmd -C 2>/dev/null | head -n 1)
layout=""
for f in $hw; do
	case $f in CPUs=* | Boards=* | SocketsPerBoard=* | CoresPerSocket=* | ThreadsPerCore=*) layout="$layout $f" ;; esac
done
[ -n "$layout" ] || layout=" CPUs=$(nproc)"
mem=$(awk '/^MemTotal:/ { printf "%d", $2 / 2048 }' /proc/meminfo)
case $mem in '' | *[!0-9]* | 0) mem=1024 ;; esac

cat >"$CONF" <<EOF
# Written by tests/engines/slurm-up.sh: a private single-node cluster.
ClusterName=ratesim
SlurmctldHost=$NODE(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$MSOCK
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/slurmctld.log
SlurmdLogFile=$DIR/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,sched_interval=1
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MinJobAge=60
MaxArraySize=10001
MailProg=/bin/true
PlugStackConfig=$DIR/plugstack.conf
SlurmdTimeout=60
InactiveLimit=0
KillWait=5
NodeName=$NODE NodeAddr=127.0.0.1$layout RealMemory=$mem State=UNKNOWN
PartitionName=ratesim Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF
# An empty plugstack.conf, so that the system's
# /etc/slurm/plugstack.conf.d plugins are not loaded into our jobs.
: >"$DIR/plugstack.conf"

# --- daemons -----------------------------------------------------------------
tail_logs() {
	for f in "$DIR/munge/munged.log" "$DIR/slurmctld.log" "$DIR/slurmd.log"; do
		[ -f "$f" ] || continue
		echo "---- last lines of $f" >&2
		tail -n 15 "$f" >&2
	done
}
# On failure: say why, show the logs, and stop whatever this call started.
fail() {
	say "error: $*"
	tail_logs
	RATESIM_SLURM_DIR="$DIR" RATESIM_SLURM_LOCKED=1 sh "$HERE/slurm-down.sh" 9>&-
	exit 1
}

# munged as user munge, with a socket of its own, so that a system munged
# (if any) is neither needed nor disturbed.
runuser -u munge -- munged --socket="$MSOCK" --key-file="$KEY" \
	--pid-file="$DIR/munge/munged.pid" --log-file="$DIR/munge/munged.log" \
	--seed-file="$DIR/munge/munged.seed" </dev/null >"$DIR/munged.out" 2>&1 9>&- ||
	fail "munged did not start: $(cat "$DIR/munged.out")"
i=0
until munge -S "$MSOCK" -n 2>/dev/null | unmunge -S "$MSOCK" >/dev/null 2>&1; do
	i=$((i + 1)); [ $i -le 50 ] || fail "munged does not answer on $MSOCK"
	sleep 0.2
done

# Detached from our stdout/stderr (and the lock), so that "$(slurm-up.sh)"
# returns and the next caller can take the lock.
SLURM_CONF=$CONF slurmctld -f "$CONF" </dev/null >"$DIR/slurmctld.out" 2>&1 9>&- ||
	fail "slurmctld did not start: $(cat "$DIR/slurmctld.out")"
SLURM_CONF=$CONF slurmd -f "$CONF" </dev/null >"$DIR/slurmd.out" 2>&1 9>&- ||
	fail "slurmd did not start: $(cat "$DIR/slurmd.out")"

start=$(date +%s)
while :; do
	st=$(node_state)
	now=$(date +%s)
	[ "$st" = idle ] && alive "$DIR/slurmctld.pid" slurmctld && alive "$DIR/slurmd.pid" slurmd && break
	if [ $((now - start)) -ge "$TIMEOUT" ]; then
		SLURM_CONF=$CONF sinfo -R >&2 2>/dev/null
		fail "node $NODE is not idle after ${TIMEOUT} s (state: '${st:-no answer from slurmctld}')"
	fi
	alive "$DIR/slurmctld.pid" slurmctld || [ $((now - start)) -lt 5 ] || fail "slurmctld died"
	alive "$DIR/slurmd.pid" slurmd || [ $((now - start)) -lt 5 ] || fail "slurmd died"
	sleep 0.5
done
say "Slurm is up in $DIR: node $NODE idle after $(($(date +%s) - start)) s"
echo "export SLURM_CONF=$CONF"
