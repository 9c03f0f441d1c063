#!/usr/bin/env bash
# A sharded themata run on a real one-node Slurm cluster, as a researcher would do it on a
# university cluster: a job array of `themata run --shard I/N`, then a `themata merge` that
# depends on it. Checks that the merged CSV tables are byte-identical to a single run's, and
# that the merge never runs when one shard fails.
#
#   bash tests/slurm/run.sh [THEMATA [MAKE_CORPUS]]
#
# THEMATA is a built `themata` binary and MAKE_CORPUS the `make_corpus` example binary; both
# can also be given as environment variables of those names. Without them the script builds
# both with cargo (release profile, CARGO_TARGET_DIR or ~/.cache/themata/target).
# DOCUMENTS (default 300) sets the corpus size. KEEP=1 keeps the temp folder (logs, jobs'
# output, tables) for a look after the run. Needs root (slurmd runs as root) and the
# packages: see tests/slurm/install.sh.
#
# Everything lives in one fresh temp folder: the munge key and socket, slurm.conf, the
# daemons' state, pid and log files, the corpus and the outputs. The system's /etc/munge,
# /etc/slurm and /run/munge are not used. Every daemon started here is stopped on exit, also
# when a check fails. Exits non-zero on the first failed check, with a one-line reason.
set -euo pipefail

say() { printf 'slurm test: %s\n' "$*"; }
reported=
fail() {
    printf 'slurm test: FAILED: %s\n' "$*" >&2
    reported=1
    exit 1
}

# Seconds since the epoch, with microseconds; `elapsed T0` prints the seconds since T0.
now() { printf '%s' "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
script_start=$(now)

repo=$(cd "$(dirname "$0")/../.." && pwd)
documents=${DOCUMENTS:-300}
shards=4

# The daemons live in /usr/sbin, which a non-login shell may lack.
export PATH="$PATH:/usr/sbin:/sbin"
for cmd in slurmctld slurmd sbatch scontrol sinfo squeue scancel munged mungekey; do
    command -v "$cmd" >/dev/null || fail "$cmd not found (run tests/slurm/install.sh)"
done
# When this script itself runs inside a Slurm job, the outer job's variables would mislead
# sbatch; only SLURM_CONF (set below) is wanted.
while read -r var; do unset "$var"; done < <(compgen -e | grep '^SLURM_' || true)

# ---------------------------------------------------------------------------------------
# The binaries under test.

themata=${1:-${THEMATA:-}}
make_corpus=${2:-${MAKE_CORPUS:-}}
if [ -z "$themata" ] || [ -z "$make_corpus" ]; then
    target=${CARGO_TARGET_DIR:-$HOME/.cache/themata/target}
    say "building themata and make_corpus (cargo, release, in $target)"
    (cd "$repo" && CARGO_TARGET_DIR="$target" \
        cargo build --release --quiet --bin themata --example make_corpus)
    themata=${themata:-$target/release/themata}
    make_corpus=${make_corpus:-$target/release/examples/make_corpus}
fi
[ -x "$themata" ] || fail "themata binary not found or not executable: $themata"
[ -x "$make_corpus" ] || fail "make_corpus binary not found or not executable: $make_corpus"
themata=$(realpath "$themata")
make_corpus=$(realpath "$make_corpus")

# ---------------------------------------------------------------------------------------
# The temp folder and the stop routine, set before any daemon starts.

D=$(mktemp -d "${TMPDIR:-/tmp}/themata-slurm.XXXXXX")
chmod 711 "$D" # munged wants o+x on every folder above its socket
mkdir -p "$D"/{etc,munge,state,spool,run,log,jobs/out,bin}
chmod 711 "$D/munge"

# Prints the pid in run/NAME.pid when that process is alive and is NAME, else nothing.
daemon_pid() {
    local name=$1 pid
    pid=$(cat "$D/run/$name.pid" 2>/dev/null) || return 0
    [[ "$pid" =~ ^[0-9]+$ ]] || return 0
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$name" ] && printf '%s' "$pid"
    return 0
}

# Cancels every job, stops the three daemons (TERM, then KILL after 10 s) and removes the
# temp folder. Runs on every exit; after a failure it first shows the end of the logs.
stop_everything() {
    local status=$? stop_start pid name deadline
    set +e
    trap - EXIT
    stop_start=$(now)
    if [ "$status" -ne 0 ] && [ -z "$reported" ]; then
        printf 'slurm test: FAILED: a command failed unexpectedly (exit %s), see above\n' "$status" >&2
    fi
    if [ "$status" -ne 0 ] && [ -d "$D/log" ]; then
        for f in "$D"/log/*.log "$D"/jobs/out/*.out; do
            [ -s "$f" ] || continue
            printf -- '--- last lines of %s\n' "${f#"$D"/}" >&2
            tail -n 15 "$f" >&2
        done
    fi
    if [ -n "$(daemon_pid slurmctld)" ]; then
        # No slurmstepd may outlive slurmd: cancel the jobs and give them KillWait to end.
        timeout 15 scancel --user="$(id -un)" 2>/dev/null
        deadline=$((SECONDS + 10))
        while [ -n "$(timeout 5 squeue -h -o %i 2>/dev/null)" ] && [ "$SECONDS" -lt "$deadline" ]; do
            sleep 0.2
        done
    fi
    local pids=()
    for name in slurmd slurmctld munged; do
        pid=$(daemon_pid "$name")
        [ -n "$pid" ] && kill -TERM "$pid" && pids+=("$pid:$name")
    done
    deadline=$((SECONDS + 10))
    for entry in "${pids[@]}"; do
        pid=${entry%%:*} name=${entry#*:}
        while [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$name" ] && [ "$SECONDS" -lt "$deadline" ]; do
            sleep 0.1
        done
        if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$name" ]; then
            say "$name (pid $pid) still running after 10 s: KILL"
            kill -KILL "$pid"
        fi
    done
    if [ "${#pids[@]}" -gt 0 ]; then
        say "cluster stopped in $(elapsed "$stop_start") s (${#pids[@]} daemons)"
    fi
    if [ "${KEEP:-0}" = 1 ]; then
        say "kept $D"
    else
        rm -rf "$D"
    fi
    if [ "$status" -eq 0 ]; then
        say "all checks passed in $(elapsed "$script_start") s"
    fi
    exit "$status"
}
trap stop_everything EXIT
interrupted() {
    printf 'slurm test: FAILED: interrupted by SIG%s\n' "$1" >&2
    reported=1
    exit "$2"
}
trap 'interrupted INT 130' INT
trap 'interrupted TERM 143' TERM

# ---------------------------------------------------------------------------------------
# Start the cluster: munged with its own key and socket, then slurmctld and slurmd.

cluster_start=$(now)
node=$(hostname -s)
cpus=$(nproc)

# Two free ports on 127.0.0.1 for slurmctld and slurmd: the usual 6817/6818 unless taken.
port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
ctld_port=
for port in 6817 7817 8817 9817 10817 11817; do
    if ! port_taken "$port" && ! port_taken $((port + 1)); then
        ctld_port=$port
        break
    fi
done
[ -n "$ctld_port" ] || fail "no free port pair for slurmctld and slurmd"

export SLURM_CONF=$D/etc/slurm.conf
cat >"$SLURM_CONF" <<EOF
# One-node cluster for tests/slurm/run.sh: controller and compute node on 127.0.0.1.
ClusterName=themata-test
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$((ctld_port + 1))
SlurmUser=$(id -un)
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$D/munge/munge.sock
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool
SlurmctldPidFile=$D/run/slurmctld.pid
SlurmdPidFile=$D/run/slurmd.pid
SlurmctldLogFile=$D/log/slurmctld.log
SlurmdLogFile=$D/log/slurmd.log
# No cgroups, accounting or mail: nothing outside the temp folder is needed.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
MailProg=/bin/true
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
# A job whose dependency can never be met is cancelled instead of pending for ever.
DependencyParameters=kill_invalid_depend
ReturnToService=2
SlurmdParameters=config_overrides
InactiveLimit=0
KillWait=5
# Finished jobs stay visible to scontrol for the checks.
MinJobAge=600
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus Boards=1 SocketsPerBoard=1 CoresPerSocket=$cpus ThreadsPerCore=1 State=UNKNOWN
PartitionName=local Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF

# Waits up to $2 seconds for run/$1.pid to name a live $1.
wait_for_pid() {
    local deadline=$((SECONDS + $2))
    until [ -n "$(daemon_pid "$1")" ]; do
        [ "$SECONDS" -lt "$deadline" ] || fail "$1 did not start within $2 s (see $1.log)"
        sleep 0.1
    done
}

mungekey -c -k "$D/munge/munge.key" >/dev/null 2>&1 || fail "mungekey could not create a key"
munged --socket="$D/munge/munge.sock" --key-file="$D/munge/munge.key" \
    --log-file="$D/log/munged.log" --pid-file="$D/run/munged.pid" \
    --seed-file="$D/munge/munged.seed" || fail "munged did not start (see munged.log)"
wait_for_pid munged 10
slurmctld -f "$SLURM_CONF" || fail "slurmctld did not start"
wait_for_pid slurmctld 10
slurmd -f "$SLURM_CONF" -N "$node" || fail "slurmd did not start"
wait_for_pid slurmd 10

deadline=$((SECONDS + 30))
until sinfo -h -N -o %T 2>/dev/null | grep -qx idle; do
    [ "$SECONDS" -lt "$deadline" ] || fail "node $node not idle within 30 s (see slurmctld.log)"
    sleep 0.2
done
say "cluster up in $(elapsed "$cluster_start") s: node $node, $cpus CPUs, port $ctld_port"

# ---------------------------------------------------------------------------------------
# Jobs run in the submit folder with the submitter's environment: put `themata` on PATH so
# the job scripts read as a researcher's would.

ln -s "$themata" "$D/bin/themata"
export PATH="$D/bin:$PATH"
cd "$D/jobs"

corpus_start=$(now)
"$make_corpus" "$documents" corpus || fail "make_corpus could not write the corpus"
# One input themata skips (an empty file): its shard and the merge exit 1, "finished, some
# inputs skipped", which a job script must count as success (see `ok_or_skipped` below).
: >corpus/empty.txt
say "corpus: $(find corpus -type f | wc -l) documents, $(du -sh corpus | cut -f1)," \
    "in $(elapsed "$corpus_start") s"

# Prints the job's (or every array task's) JobState, one per line.
job_states() {
    scontrol show job -o "$1" | grep -o 'JobState=[A-Z_]*' | cut -d= -f2
}

# Waits up to $2 seconds until job $1 (every task, for an array) has finished.
wait_for_job() {
    local job=$1 limit=$2 deadline states
    deadline=$((SECONDS + limit))
    while :; do
        states=$(job_states "$job") || fail "scontrol does not know job $job"
        if ! grep -qE '^(PENDING|CONFIGURING|RUNNING|COMPLETING|SUSPENDED|REQUEUE.*|RESIZING|SIGNALING|STAGE_OUT)$' \
            <<<"$states"; then
            return 0
        fi
        [ "$SECONDS" -lt "$deadline" ] ||
            fail "job $job not finished within $limit s (states: $(sort -u <<<"$states" | xargs))"
        sleep 0.2
    done
}

# One field (Reason, ExitCode, ...) of a single job.
job_field() {
    scontrol show job -o "$1" | grep -o "$2=[^ ]*" | head -n 1 | cut -d= -f2-
}

# ---------------------------------------------------------------------------------------
# Scenario 1: four shards as a job array, a dependent merge, and the single run to compare.

# As in the README's job script: exit 1 (finished, some inputs skipped) is a complete part.
# shellcheck disable=SC2016 # expanded in the job
ok_or_skipped='code=$?; [ "$code" -le 1 ] || exit "$code"'
array_start=$(now)
# shellcheck disable=SC2016 # $SLURM_ARRAY_* are expanded in the job, not here.
arr=$(sbatch --parsable --array=0-$((shards - 1)) --job-name=shard \
    --output=out/shard-%A_%a.out \
    --wrap 'themata run corpus --shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT -o parts/$SLURM_ARRAY_TASK_ID --quiet --threads 1; '"$ok_or_skipped") ||
    fail "sbatch refused the job array"
parts=()
for ((i = 0; i < shards; i++)); do parts+=("parts/$i"); done
mrg=$(sbatch --parsable --dependency="afterok:$arr" --job-name=merge \
    --output=out/merge-%j.out \
    --wrap "themata merge ${parts[*]} -o merged --quiet; $ok_or_skipped") ||
    fail "sbatch refused the merge job"
say "submitted job array $arr ($shards shards) and merge job $mrg (afterok:$arr)"

wait_for_job "$arr" 90
array_states=$(job_states "$arr" | sort | uniq -c | xargs)
[ "$array_states" = "$shards COMPLETED" ] ||
    fail "job array $arr: expected $shards COMPLETED tasks, got: $array_states"
say "job array $arr: $shards tasks COMPLETED in $(elapsed "$array_start") s"
merge_start=$(now)

wait_for_job "$mrg" 60
merge_state=$(job_states "$mrg")
[ "$merge_state" = COMPLETED ] ||
    fail "merge job $mrg ended $merge_state, not COMPLETED (exit $(job_field "$mrg" ExitCode))"
say "merge job $mrg: COMPLETED $(elapsed "$merge_start") s after the array" \
    "($(elapsed "$array_start") s from submission)"

for ((i = 0; i < shards; i++)); do
    [ -f "parts/$i/part.json" ] || fail "parts/$i/part.json missing after shard $i"
done
[ -f merged/manifest.json ] || fail "merged/manifest.json missing"

single_start=$(now)
code=0
themata run corpus -o single --quiet 2>/dev/null || code=$?
[ "$code" = 1 ] || fail "the single run (themata run corpus) exited $code, expected 1 (empty.txt skipped)"
grep -q 'corpus/empty.txt' merged/manifest.json ||
    fail "merged/manifest.json does not list the skipped corpus/empty.txt"
say "single run (no Slurm, all cores) in $(elapsed "$single_start") s"

# Same set of tables, then each CSV byte for byte (manifest.json holds times: not compared).
list_files() { (cd "$1" && find . -maxdepth 1 -type f -name "$2" | sort); }
[ -n "$(list_files single '*.csv')" ] || fail "the single run wrote no CSV file"
[ "$(list_files single '*.csv')" = "$(list_files merged '*.csv')" ] ||
    fail "single/ and merged/ hold different CSV files: $(diff <(list_files single '*.csv') \
        <(list_files merged '*.csv') | grep '^[<>]' | xargs)"
[ "$(list_files single '*.parquet')" = "$(list_files merged '*.parquet')" ] ||
    fail "single/ and merged/ hold different Parquet files"
csv_count=0
while read -r csv; do
    cmp -s "single/$csv" "merged/$csv" ||
        fail "merged/${csv#./} differs from single/${csv#./}: $(cmp "single/$csv" "merged/$csv" 2>&1 | head -n 1)"
    csv_count=$((csv_count + 1))
done < <(list_files single '*.csv')
units=$(($(wc -l <single/units.csv) - 1))
say "ok: the $csv_count CSV files of merged/ and single/ are byte-identical ($units units;" \
    "empty.txt skipped by its shard and listed in the merged manifest;" \
    "same $(list_files single '*.parquet' | wc -l) Parquet files)"

# ---------------------------------------------------------------------------------------
# Scenario 2: shard 2 of 4 is given an input that does not exist, so it fails; the merge
# that depends on the array must never run.

failing_start=$(now)
# shellcheck disable=SC2016 # expanded in the job
arr2=$(sbatch --parsable --array=0-$((shards - 1)) --job-name=shard-bad \
    --output=out/shard-bad-%A_%a.out \
    --wrap 'input=corpus; if [ "$SLURM_ARRAY_TASK_ID" = 2 ]; then input=no-such-corpus; fi; themata run "$input" --shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT -o parts-bad/$SLURM_ARRAY_TASK_ID --quiet --threads 1; '"$ok_or_skipped") ||
    fail "sbatch refused the second job array"
parts_bad=()
for ((i = 0; i < shards; i++)); do parts_bad+=("parts-bad/$i"); done
mrg2=$(sbatch --parsable --dependency="afterok:$arr2" --job-name=merge-bad \
    --output=out/merge-bad-%j.out \
    --wrap "themata merge ${parts_bad[*]} -o merged-bad --quiet; $ok_or_skipped") ||
    fail "sbatch refused the second merge job"
say "submitted job array $arr2 (task 2 reads no-such-corpus) and merge job $mrg2 (afterok:$arr2)"

wait_for_job "$arr2" 90
wait_for_job "$mrg2" 30
task2_state=$(job_states "${arr2}_2")
[ "$task2_state" = FAILED ] || fail "task ${arr2}_2 ended $task2_state, not FAILED"
merge2_state=$(job_states "$mrg2")
merge2_reason=$(job_field "$mrg2" Reason)
[ "$merge2_state" = CANCELLED ] ||
    fail "merge job $mrg2 ended $merge2_state (reason $merge2_reason), not CANCELLED"
[ ! -e merged-bad ] || fail "merge job $mrg2 wrote merged-bad/ although shard 2 failed"
if compgen -G "out/merge-bad-*.out" >/dev/null; then
    fail "merge job $mrg2 started (it wrote its output file) although shard 2 failed"
fi
say "ok: merge did not run after failing shard (task ${arr2}_2 FAILED with exit" \
    "$(job_field "${arr2}_2" ExitCode); merge job $mrg2 $merge2_state, reason $merge2_reason;" \
    "no merged-bad/) in $(elapsed "$failing_start") s"
