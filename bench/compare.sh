#!/usr/bin/env bash
# Strongroom against restic, borg and rclone on the same datasets, same machine, same run.
#
# For each dataset and run: a fresh copy of the dataset in the work folder, a fresh repository
# per tool (strongroom: a fresh server data folder and a real HTTPS server on loopback, fsync
# always on), then four phases, each tool in turn (the order rotates from run to run):
#   initial    first backup
#   unchanged  backup again, nothing changed
#   changed    backup after ~1% of the files were changed (fixed seed; bench Mutate)
#   restore    restore the newest version into an empty folder (then checked with diff -r)
# Every command runs under /usr/bin/time: wall, user+sys CPU, peak RSS; the repository's size
# after each phase is "stored". Warm cache: nothing is dropped between phases.
# Results: bench/results/<timestamp>/{raw.csv,results.csv,results.md,wall-<dataset>.png}.
#
# usage: bench/compare.sh [--quick] [--runs N] [--datasets jdk,docs,big] [--tools strongroom,restic,borg,rclone]
#                         [--dataset NAME=DIR] [--big-size 2G] [--big-seed 1] [--change-fraction 0.01]
#                         [--change-seed 7] [--work DIR] [--out DIR] [--no-install] [--no-check] [--keep]
#                         [--build | --no-build] [--agent]
# --agent: Strongroom's commands go through a resident agent (strongroom agent, docs/agent.md),
# started and warmed up after the device is created, untimed, like the server; its CPU time
# during each phase is added to the client's and its peak RSS counts as the client's.
# Each setting can also come from the environment: RUNS, DATASETS, TOOLS, BIG_SIZE, BIG_SEED,
# CHANGE_FRACTION, CHANGE_SEED, WORK, OUT, JDK_DIR, DOCS_DIR, STRONGROOM_JAVA_OPTS.
# --quick: 1 run, datasets docs and big, big = 96M (unless given explicitly).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
. "$root/scripts/jdk.sh"
. "$root/scripts/locale.sh"
. "$here/lib/common.sh"
trap 'say "failed at line $LINENO: $BASH_COMMAND"' ERR

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; }

RUNS="${RUNS:-}"; DATASETS="${DATASETS:-}"; TOOLS="${TOOLS:-strongroom,restic,borg,rclone}"
BIG_SIZE="${BIG_SIZE:-}"; BIG_SEED="${BIG_SEED:-1}"
CHANGE_FRACTION="${CHANGE_FRACTION:-0.01}"; CHANGE_SEED="${CHANGE_SEED:-7}"
WORK="${WORK:-$here/work}"; OUT="${OUT:-}"
JDK_DIR="${JDK_DIR:-/usr/lib/jvm/temurin-25-jdk-amd64}"; DOCS_DIR="${DOCS_DIR:-/usr/share/doc}"
INSTALL=1; CHECK=1; KEEP=0; QUICK=0; BUILD=auto; AGENT="${AGENT:-0}"
declare -A EXTRA=()
EXTRA_NAMES=""

while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --runs) RUNS="$2"; shift ;;
    --datasets) DATASETS="$2"; shift ;;
    --tools) TOOLS="$2"; shift ;;
    --dataset) [[ "$2" == *=* ]] || die "--dataset takes NAME=DIR"; EXTRA["${2%%=*}"]="${2#*=}"
               EXTRA_NAMES="${EXTRA_NAMES:+$EXTRA_NAMES,}${2%%=*}"; shift ;;
    --big-size) BIG_SIZE="$2"; shift ;;
    --big-seed) BIG_SEED="$2"; shift ;;
    --change-fraction) CHANGE_FRACTION="$2"; shift ;;
    --change-seed) CHANGE_SEED="$2"; shift ;;
    --work) WORK="$2"; shift ;;
    --out) OUT="$2"; shift ;;
    --no-install) INSTALL=0 ;;
    --no-check) CHECK=0 ;;
    --keep) KEEP=1 ;;
    --build) BUILD=always ;;
    --no-build) BUILD=never ;;
    --agent) AGENT=1 ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
  shift
done
# --dataset NAME=DIR: added to --datasets (or $DATASETS) when given, else the only datasets
if [ -n "$EXTRA_NAMES" ]; then DATASETS="${DATASETS:+$DATASETS,}$EXTRA_NAMES"; fi
if [ "$QUICK" = 1 ]; then
  RUNS="${RUNS:-1}"; DATASETS="${DATASETS:-docs,big}"; BIG_SIZE="${BIG_SIZE:-96M}"
fi
RUNS="${RUNS:-3}"; DATASETS="${DATASETS:-jdk,docs,big}"; BIG_SIZE="${BIG_SIZE:-2G}"
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "--runs takes a positive number"
IFS=, read -r -a datasets <<< "$DATASETS"
IFS=, read -r -a tools <<< "$TOOLS"
for t in "${tools[@]}"; do
  case "$t" in strongroom|restic|borg|rclone) ;; *) die "unknown tool '$t' (strongroom, restic, borg, rclone)" ;; esac
done
WORK="$(mkdir -p "$WORK" && cd "$WORK" && pwd)"
stamp="$(date +%Y%m%d-%H%M%S)"
OUT="${OUT:-$here/results/$stamp}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"

# ------------------------------------------------------------------ tools and jars

has_tool() { case "$1" in strongroom) return 0 ;; *) command -v "$1" >/dev/null 2>&1 ;; esac; }
missing=()
[ -x /usr/bin/time ] || missing+=(time)
for t in "${tools[@]}"; do
  case "$t" in
    restic) has_tool restic || missing+=(restic) ;;
    borg) has_tool borg || missing+=(borgbackup) ;;
    rclone) has_tool rclone || missing+=(rclone) ;;
  esac
done
command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list 2>/dev/null | head -n1)" ] || missing+=(fontconfig fonts-dejavu-core)
if [ ${#missing[@]} -gt 0 ]; then
  [ "$INSTALL" = 1 ] || die "missing: ${missing[*]} (install them, or drop --no-install)"
  apt_install "${missing[@]}"
fi
ensure_jars "$BUILD"
CLK_TCK="$(getconf CLK_TCK)"
# Strongroom runs exactly as ./strongroom runs it: same JVM settings, same ahead-of-time cache.
. "$root/scripts/java-cmd.sh"
sr_java_cmd "$cli_jar"
SR=("${SR_JAVA[@]}")
sr_thin_java_cmd "$cli_jar"   # --agent: the timed commands only relay to the agent, as ./strongroom runs them then
SRC=("${SR[@]}")
if [ "$AGENT" = 1 ]; then SRC=("${SR_THIN[@]}"); fi

# ------------------------------------------------------------------ datasets

# The folder a dataset is copied from (generating 'big' once per size and seed).
dataset_source() {
  case "$1" in
    jdk) echo "$JDK_DIR" ;;
    docs) echo "$DOCS_DIR" ;;
    big)
      # v1: the generator's layout version; bump it when Generate changes what it writes
      local d="$WORK/datasets/big-v1-$BIG_SIZE-seed$BIG_SEED"
      if [ ! -f "$d.done" ]; then
        rm -rf "$d" "$d.tmp"
        say "generating the big dataset ($BIG_SIZE, seed $BIG_SEED) in $d"
        bench_java dev.strongroom.bench.Generate "$d.tmp" --size "$BIG_SIZE" --seed "$BIG_SEED" >&2
        mv "$d.tmp" "$d" && touch "$d.done"
      fi
      echo "$d" ;;
    *)
      [ -n "${EXTRA[$1]:-}" ] || die "unknown dataset '$1' (jdk, docs, big, or --dataset NAME=DIR)"
      echo "${EXTRA[$1]}" ;;
  esac
}

tree_bytes() { find "$1" -type f -printf '%s\n' 2>/dev/null | awk '{s += $1} END {printf "%d\n", s}'; }
tree_files() { find "$1" -type f 2>/dev/null | wc -l; }

# ------------------------------------------------------------------ environment

{
  environment_info
  echo "work folder: $WORK ($(df -T "$WORK" | awk 'NR == 2 {print $2 " on " $1}'))"
  for t in "${tools[@]}"; do
    case "$t" in
      strongroom) echo "strongroom:  $("${SR[@]}" --version 2>/dev/null | head -n1) (client: java -jar$( [ "$AGENT" = 1 ] && echo ', through a resident agent (--agent)'); server: same jar, HTTPS on 127.0.0.1)" ;;
      restic) echo "restic:      $(restic version 2>/dev/null | head -n1)" ;;
      borg) echo "borg:        $(borg --version 2>/dev/null | head -n1)" ;;
      rclone) echo "rclone:      $(rclone version 2>/dev/null | head -n1) (crypt remote over a local folder)" ;;
    esac
  done
  echo "settings:    runs=$RUNS datasets=$DATASETS tools=$TOOLS big=$BIG_SIZE/seed $BIG_SEED change=$CHANGE_FRACTION/seed $CHANGE_SEED"
} > "$OUT/environment.txt"

raw="$OUT/raw.csv"
echo "dataset,run,phase,tool,wall_s,user_s,sys_s,peak_rss_kib,stored_bytes,server_cpu_s,server_peak_rss_kib,exit_code,check" > "$raw"

# ------------------------------------------------------------------ per-tool commands

server_pid=""
agent_pid=""
stop_server() {
  if [ -n "$agent_pid" ]; then
    kill "$agent_pid" 2>/dev/null || true
    wait "$agent_pid" 2>/dev/null || true
    agent_pid=""
  fi
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}
trap stop_server EXIT

# Starts a strongroom server on a free loopback port; sets server_pid, SR_URL, SR_FP.
start_server() {
  local data="$1" log="$2"
  "${SR[@]}" server --data "$data" --listen 127.0.0.1:0 </dev/null >"$log.out" 2>"$log.err" &
  server_pid=$!
  local i
  for i in $(seq 1 600); do
    SR_URL="$(sed -n 's/^url //p' "$log.out" 2>/dev/null | head -n1 || true)"
    SR_FP="$(sed -n 's/^fingerprint //p' "$log.out" 2>/dev/null | head -n1 || true)"
    [ -n "$SR_URL" ] && [ -n "$SR_FP" ] && return 0
    kill -0 "$server_pid" 2>/dev/null || die "the strongroom server exited; see $log.err"
    sleep 0.1
  done
  die "the strongroom server did not start within 60 s; see $log.err"
}

server_cpu() { awk -v t="$CLK_TCK" '{ sub(/^.*\) /, ""); printf "%.2f\n", ($12 + $13) / t }' "/proc/$server_pid/stat"; }
# user and sys seconds of the agent so far
agent_times() { awk -v t="$CLK_TCK" '{ sub(/^.*\) /, ""); printf "%.2f %.2f\n", $12 / t, $13 / t }' "/proc/$agent_pid/stat"; }
server_hwm() { awk '/^VmHWM/ {print $2}' "/proc/$server_pid/status"; }

# Creates tool $1's repository for this run (not timed).
setup_tool() {
  case "$1" in
    strongroom)
      export STRONGROOM_HOME="$rundir/strongroom-home"
      start_server "$rundir/strongroom-data" "$rundir/logs/server"
      "${SR[@]}" init --server "$SR_URL" --server-fingerprint "$SR_FP" --name bench --json >"$rundir/logs/strongroom-init.log" 2>&1 \
        || die "strongroom init failed; see $rundir/logs/strongroom-init.log"
      "${SR[@]}" vault create bench --json >>"$rundir/logs/strongroom-init.log" 2>&1 \
        || die "strongroom vault create failed; see $rundir/logs/strongroom-init.log"
      if [ "$AGENT" = 1 ]; then
        "${SR[@]}" agent --idle-timeout 0 </dev/null >"$rundir/logs/agent.out" 2>"$rundir/logs/agent.err" &
        agent_pid=$!
        local i
        for i in $(seq 1 1200); do
          grep -q '^agent ready' "$rundir/logs/agent.out" 2>/dev/null && break
          kill -0 "$agent_pid" 2>/dev/null || die "the strongroom agent exited; see $rundir/logs/agent.err"
          sleep 0.1
        done
        grep -q '^agent ready' "$rundir/logs/agent.out" || die "the strongroom agent was not ready within 120 s"
      fi ;;
    restic)
      export RESTIC_REPOSITORY="$rundir/restic-repo" RESTIC_PASSWORD=bench RESTIC_CACHE_DIR="$rundir/restic-cache"
      restic init >"$rundir/logs/restic-init.log" 2>&1 || die "restic init failed; see $rundir/logs/restic-init.log" ;;
    borg)
      export BORG_REPO="$rundir/borg-repo" BORG_PASSPHRASE=bench BORG_BASE_DIR="$rundir/borg-base"
      borg init -e repokey >"$rundir/logs/borg-init.log" 2>&1 || die "borg init failed; see $rundir/logs/borg-init.log" ;;
    rclone)
      mkdir -p "$rundir/rclone-repo"
      : > "$rundir/rclone.conf"
      export RCLONE_CONFIG="$rundir/rclone.conf" RCLONE_CONFIG_BENCHCRYPT_TYPE=crypt \
        RCLONE_CONFIG_BENCHCRYPT_REMOTE="$rundir/rclone-repo" \
        RCLONE_CONFIG_BENCHCRYPT_PASSWORD="$(rclone obscure bench)" ;;
  esac
}

repo_of() {
  case "$1" in
    strongroom) echo "$rundir/strongroom-data" ;;
    restic) echo "$rundir/restic-repo" ;;
    borg) echo "$rundir/borg-repo" ;;
    rclone) echo "$rundir/rclone-repo" ;;
  esac
}

# The command of tool $1 for phase $2 (run from $rundir/restore-$1 for restores).
phase_cmd() {
  local tool="$1" phase="$2" data="$rundir/data"
  case "$tool:$phase" in
    strongroom:restore) cmd=("${SRC[@]}" restore --vault bench --target "$rundir/restore-strongroom" --json) ;;
    strongroom:*) cmd=("${SRC[@]}" backup "$data" --vault bench --json) ;;
    restic:restore) cmd=(restic restore latest --target "$rundir/restore-restic") ;;
    restic:*) cmd=(restic backup "$data") ;;
    borg:restore) cmd=(borg extract "::changed") ;;
    borg:*) cmd=(borg create "::$phase" "$data") ;;
    rclone:restore) cmd=(rclone copy benchcrypt: "$rundir/restore-rclone") ;;
    rclone:*) cmd=(rclone sync "$data" benchcrypt:) ;;
  esac
}

# Where tool $1 put the restored copy of $rundir/data.
restored_dir() {
  case "$1" in
    strongroom) echo "$rundir/restore-strongroom" ;;
    restic) echo "$rundir/restore-restic$rundir/data" ;;
    borg) echo "$rundir/restore-borg${rundir}/data" ;;
    rclone) echo "$rundir/restore-rclone" ;;
  esac
}

# Compares a restore with the data: "ok", "ok-no-links" (rclone, which by default skips
# symlinks and empty folders), or "fail" (the differences go to $3).
check_restore() {
  local tool="$1" restored="$2" difflog="$3" data="$rundir/data"
  if diff -rq --no-dereference "$data" "$restored" >"$difflog" 2>&1; then echo ok; return; fi
  if [ "$tool" = rclone ]; then
    local line rest p other=0
    while IFS= read -r line; do
      if [[ "$line" == "Only in $data"* ]]; then
        rest="${line#Only in }"; p="${rest%%: *}/${rest#*: }"
        if [ -L "$p" ] || { [ -d "$p" ] && [ -z "$(find "$p" -type f -print -quit)" ]; }; then continue; fi
      fi
      other=1
    done < "$difflog"
    [ "$other" = 0 ] && { echo ok-no-links; return; }
  fi
  echo fail
}

# Runs one phase of one tool under /usr/bin/time and appends a line to raw.csv.
measure() {
  local tool="$1" phase="$2" run="$3" ds="$4"
  local log="$rundir/logs/$tool-$phase" srv_cpu0="" srv_cpu1="" srv_hwm="NA" srv_cpu="NA" rc check="-"
  phase_cmd "$tool" "$phase"
  local dir="$rundir"
  if [ "$phase" = restore ]; then
    dir="$rundir/restore-$tool"
    mkdir -p "$dir"
  fi
  local agent0="" agent1=""
  if [ "$tool" = strongroom ]; then
    srv_cpu0="$(server_cpu)"
    { echo 5 > "/proc/$server_pid/clear_refs"; } 2>/dev/null || true # resets the server's peak RSS (VmHWM)
    if [ -n "$agent_pid" ]; then
      agent0="$(agent_times)"
      { echo 5 > "/proc/$agent_pid/clear_refs"; } 2>/dev/null || true
    fi
  fi
  set +e
  (cd "$dir" && /usr/bin/time -f '%e %U %S %M' -o "$log.time" "${cmd[@]}" </dev/null >"$log.log" 2>&1)
  rc=$?
  set -e
  if [ "$tool" = strongroom ]; then
    srv_cpu1="$(server_cpu)"
    srv_cpu="$(awk -v a="$srv_cpu0" -v b="$srv_cpu1" 'BEGIN {printf "%.2f", b - a}')"
    srv_hwm="$(server_hwm)"
    [ -n "$agent_pid" ] && agent1="$(agent_times)"
  fi
  local wall user sys rss
  read -r wall user sys rss < <(tail -n1 "$log.time")
  if [ -n "$agent1" ]; then
    # the command ran in the agent: its CPU counts, and its peak RSS is the client's
    read -r user sys < <(awk -v a="$agent0" -v b="$agent1" -v u="$user" -v s="$sys" \
      'BEGIN {split(a, x, " "); split(b, y, " "); printf "%.2f %.2f\n", u + y[1] - x[1], s + y[2] - x[2]}')
    local ahwm
    ahwm="$(awk '/^VmHWM/ {print $2}' "/proc/$agent_pid/status")"
    [ "$ahwm" -gt "$rss" ] && rss="$ahwm"
  fi
  local stored
  stored="$(tree_bytes "$(repo_of "$tool")")"
  if [ "$phase" = restore ] && [ "$CHECK" = 1 ] && [ "$rc" = 0 ]; then
    check="$(check_restore "$tool" "$(restored_dir "$tool")" "$log.diff")"
  fi
  if [ "$phase" = restore ] && [ "$KEEP" = 0 ]; then
    rm -rf "$dir"
  fi
  echo "$ds,$run,$phase,$tool,$wall,$user,$sys,$rss,$stored,$srv_cpu,$srv_hwm,$rc,$check" >> "$raw"
  local note=""
  [ "$rc" = 0 ] || note="  EXIT $rc, see $log.log"
  [ "$check" = fail ] && note="$note  RESTORE DIFFERS, see $log.diff"
  printf 'bench: %-6s run %d  %-9s %-10s wall %7.2f s  cpu %7.2f s  rss %6d MiB  stored %8.1f MiB%s%s\n' \
    "$ds" "$run" "$phase" "$tool" "$wall" "$(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}')" "$((rss / 1024))" \
    "$(awk -v b="$stored" 'BEGIN {print b / 1048576}')" \
    "$( [ "$tool" = strongroom ] && echo "  (server cpu $srv_cpu s, rss $((srv_hwm / 1024)) MiB)")" "$note" >&2
}

# ------------------------------------------------------------------ the runs

phases=(initial unchanged changed restore)
say "results in $OUT"
for ds in "${datasets[@]}"; do
  src="$(dataset_source "$ds")"
  [ -d "$src" ] || die "dataset '$ds': $src is not a folder"
  src_bytes="$(tree_bytes "$src")"; src_files="$(tree_files "$src")"
  echo "dataset $ds: $src, $src_files files, $(awk -v b="$src_bytes" 'BEGIN {printf "%.1f MiB", b / 1048576}')" >> "$OUT/environment.txt"
  free_kib="$(df -Pk "$WORK" | awk 'NR == 2 {print $4}')"
  if [ $(( free_kib * 1024 )) -lt $(( src_bytes * (2 + ${#tools[@]} * 2) )) ]; then
    say "warning: $WORK may be too small for dataset $ds (free $((free_kib / 1048576)) GiB)"
  fi
  for run in $(seq 1 "$RUNS"); do
    rundir="$WORK/runs/$ds-$run"
    rm -rf "$rundir"
    mkdir -p "$rundir/logs"
    say "$ds run $run/$RUNS: copying $src"
    cp -a "$src/." "$rundir/data/"
    # a fixed tool order would favour whoever runs with the warmest cache; rotate it per run
    order=()
    for i in "${!tools[@]}"; do order+=("${tools[$(( (i + run - 1) % ${#tools[@]} ))]}"); done
    for t in "${order[@]}"; do setup_tool "$t"; done
    for phase in "${phases[@]}"; do
      if [ "$phase" = changed ]; then
        bench_java dev.strongroom.bench.Mutate "$rundir/data" --fraction "$CHANGE_FRACTION" --seed "$CHANGE_SEED" \
          > "$rundir/logs/mutate.log" 2>&1 || die "Mutate failed; see $rundir/logs/mutate.log"
        say "$(cat "$rundir/logs/mutate.log")"
      fi
      for t in "${order[@]}"; do measure "$t" "$phase" "$run" "$ds"; done
    done
    stop_server
    if [ "$KEEP" = 0 ]; then
      rm -rf "$rundir"
    fi
  done
done

bench_java dev.strongroom.bench.Report "$OUT" >&2
say "done: $OUT/results.md"
sed -n '/^## Wall time/,/^## All figures/p' "$OUT/results.md" | sed '$d'
