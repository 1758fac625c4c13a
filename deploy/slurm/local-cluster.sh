#!/usr/bin/env bash
# local-cluster.sh start|stop DIR
#
# A single-node Slurm cluster on this machine, for tests and for trying
# `truce slurm` without a real cluster. Everything lives under DIR (config,
# state, spool, logs, the munge socket); nothing touches /etc or systemd.
# It needs Debian's slurm-wlm and munge packages and must run as root (the
# daemons run as root, as the job steps of a one-user test cluster may).
#
#   eval "$(deploy/slurm/local-cluster.sh start /tmp/truce-slurm)"   # sets SLURM_CONF
#   sbatch --wrap 'hostname'
#   deploy/slurm/local-cluster.sh stop /tmp/truce-slurm
#
# Known facts it relies on (Slurm 22.05 from Debian): no cgroups or systemd
# needed with proctrack/linuxproc and task/none; munged refuses a socket
# folder that is not world-executable (mode 755) and must be forced to run
# as root; slurmd needs -N with a node name that resolves; client commands
# find the cluster through SLURM_CONF; MinJobAge and a short scheduler
# interval make `sbatch --wait` return within seconds.
set -euo pipefail

cmd=${1:-}
dir=${2:-}
if [ -z "$cmd" ] || [ -z "$dir" ]; then
  echo "usage: $0 start|stop DIR" >&2
  exit 2
fi

stop() {
  if [ -f "$dir/slurm.conf" ]; then
    SLURM_CONF="$dir/slurm.conf" scontrol shutdown >/dev/null 2>&1 || true
  fi
  for pidf in "$dir/slurmd.pid" "$dir/slurmctld.pid" "$dir/munge/munged.pid"; do
    if [ -f "$pidf" ]; then
      kill "$(cat "$pidf")" 2>/dev/null || true
    fi
  done
  # Wait (bounded) for the daemons to go, so that a restart can bind the ports.
  for _ in $(seq 1 50); do
    alive=0
    for pidf in "$dir/slurmd.pid" "$dir/slurmctld.pid" "$dir/munge/munged.pid"; do
      if [ -f "$pidf" ] && kill -0 "$(cat "$pidf")" 2>/dev/null; then alive=1; fi
    done
    [ $alive -eq 0 ] && break
    sleep 0.1
  done
}

case "$cmd" in
stop)
  stop
  exit 0
  ;;
start) ;;
*)
  echo "usage: $0 start|stop DIR" >&2
  exit 2
  ;;
esac

for bin in munged slurmctld slurmd sbatch scontrol; do
  if ! command -v "$bin" >/dev/null 2>&1; then
    echo "$0: $bin not found; install Debian's slurm-wlm and munge packages (apt-get install slurm-wlm munge)" >&2
    exit 1
  fi
done

node=$(hostname)
if ! getent hosts "$node" >/dev/null; then
  # slurmd must resolve its own node name. A container's name often does
  # not: map it to loopback (we run as root), or say what to do.
  if [ -w /etc/hosts ]; then
    echo "127.0.1.1 $node" >>/etc/hosts
    echo "$0: added $node to /etc/hosts (it did not resolve)" >&2
  else
    echo "$0: the host name $node does not resolve; add it to /etc/hosts" >&2
    exit 1
  fi
fi

# Free ports from 6817 up (a connection that succeeds means taken).
port=6817
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || (exec 3<>"/dev/tcp/127.0.0.1/$((port + 1))") 2>/dev/null; do
  port=$((port + 2))
done

mkdir -p "$dir/munge" "$dir/state" "$dir/spool" "$dir/log"
chmod 755 "$dir" "$dir/munge"

key=/etc/munge/munge.key
if [ ! -r "$key" ]; then
  key="$dir/munge/munge.key"
  [ -f "$key" ] || dd if=/dev/urandom of="$key" bs=1 count=1024 2>/dev/null
  chmod 400 "$key"
fi

mem=$(($(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 512))
cat >"$dir/slurm.conf" <<EOF
ClusterName=truce-local
SlurmctldHost=$node
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=1,bf_interval=1
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ReturnToService=2
MinJobAge=2
# Without a default, a job that asks for no memory is given the whole
# node's, and the array's tasks run one at a time.
DefMemPerCPU=$((mem / $(nproc)))
MessageTimeout=10
NodeName=$node CPUs=$(nproc) RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF

munged --force --key-file="$key" --socket="$dir/munge/munge.socket" \
  --pid-file="$dir/munge/munged.pid" --log-file="$dir/log/munged.log" \
  --seed-file="$dir/munge/seed"
export SLURM_CONF="$dir/slurm.conf"
slurmctld -i
slurmd -N "$node"

# Wait (bounded) until the node takes jobs.
for _ in $(seq 1 100); do
  if sinfo -h -o '%t' 2>/dev/null | grep -qE '^(idle|mix|alloc)'; then
    echo "export SLURM_CONF=$dir/slurm.conf"
    exit 0
  fi
  sleep 0.2
done
echo "$0: the node did not become idle; logs in $dir/log" >&2
exit 1
