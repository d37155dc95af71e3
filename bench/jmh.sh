#!/usr/bin/env bash
# Runs the JMH suite (bench/src/main/java: chunker, object id MAC, compress, seal/open, pack
# writer, whole pipeline on one core) together with the machine's limits measured in the same
# run (memcpy, SHA-256, HMAC-SHA256, AES-256-GCM via the JDK), and reports MiB/s. Then, in a
# second JMH run, ColdStartBench: one pass in a fresh JVM, as a short-lived CLI process sees it.
#
# usage: bench/jmh.sh [--quick | --full] [--forks N] [--warmup N] [--iterations N] [--time 5s]
#                     [--warmup-time 5s] [--mib N] [--cold-forks N] [--no-cold] [--out DIR]
#                     [--build | --no-build] [REGEX...] [-- JMH_ARGS...]
#   --quick (default)  1 fork; 3 warmup iterations of 5 s, 3 measured of 2 s; 3 cold forks (~12 min)
#   --full             3 forks; 5 warmup iterations of 5 s, 10 measured of 2 s; 10 cold forks (~50 min)
#   --mib N            MiB per operation of the steady-state benchmarks (default 64)
#   REGEX              only benchmarks matching (e.g. Seal Baselines); the cold run then runs only
#                      if a REGEX names ColdStart
# Warm-up is long on purpose: the JDK's AES-GCM only reaches its intrinsic (AES-NI/VAES +
# carry-less multiply) once C2 has compiled the caller, which with 1 MiB boxes takes ~600 calls.
# Writes bench/results/jmh-<timestamp>/{steady.json,cold.json,jmh.log,jmh.md}.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
. "$root/scripts/jdk.sh"
. "$root/scripts/locale.sh"
. "$here/lib/common.sh"

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; }

forks=1; warmup=3; warmup_time=5s; iters=3; time_s=2s; cold_forks=3; cold=1; mib=""; out=""; build=auto
regexes=(); extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) forks=1; warmup=3; warmup_time=5s; iters=3; time_s=2s; cold_forks=3 ;;
    --full) forks=3; warmup=5; warmup_time=5s; iters=10; time_s=2s; cold_forks=10 ;;
    --forks) forks="$2"; shift ;;
    --warmup) warmup="$2"; shift ;;
    --warmup-time) warmup_time="$2"; shift ;;
    --iterations) iters="$2"; shift ;;
    --time) time_s="$2"; shift ;;
    --mib) mib="$2"; shift ;;
    --cold-forks) cold_forks="$2"; shift ;;
    --no-cold) cold=0 ;;
    --out) out="$2"; shift ;;
    --build) build=always ;;
    --no-build) build=never ;;
    -h|--help) usage; exit 0 ;;
    --) shift; extra=("$@"); break ;;
    -*) die "unknown option $1 (see --help; JMH's own options go after --)" ;;
    *) regexes+=("$1") ;;
  esac
  shift
done
# JMH takes 500ms, 2s, 1m; a bare number means seconds
[[ "$time_s" =~ ^[0-9]+$ ]] && time_s="${time_s}s"
[[ "$warmup_time" =~ ^[0-9]+$ ]] && warmup_time="${warmup_time}s"
if [ ${#regexes[@]} -gt 0 ] && [[ " ${regexes[*]} " != *Cold* ]]; then cold=0; fi
steady_regexes=()
for r in "${regexes[@]}"; do [[ "$r" == *Cold* ]] || steady_regexes+=("$r"); done

ensure_jars "$build"
out="${out:-$here/results/jmh-$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
environment_info > "$out/environment.txt"
echo "settings:    steady: forks=$forks warmup=${warmup}x$warmup_time measured=${iters}x$time_s mib=${mib:-64};" \
  "cold: $( [ "$cold" = 1 ] && echo "forks=$cold_forks, one pass of 256 MiB each" || echo "not run")" >> "$out/environment.txt"
jmh() { "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -jar "$bench_jar" "$@"; }

: > "$out/jmh.log"
jsons=()
if [ ${#regexes[@]} -eq 0 ] || [ ${#steady_regexes[@]} -gt 0 ]; then
  args=(-f "$forks" -wi "$warmup" -w "$warmup_time" -i "$iters" -r "$time_s" -e ColdStart -rf json -rff "$out/steady.json")
  [ -n "$mib" ] && args+=(-p "mib=$mib")
  say "JMH steady state: ${args[*]} ${extra[*]:-} ${steady_regexes[*]:-}"
  jmh "${args[@]}" "${extra[@]}" "${steady_regexes[@]}" 2>&1 | tee -a "$out/jmh.log"
  [ "${PIPESTATUS[0]}" = 0 ] || die "JMH failed; see $out/jmh.log"
  jsons+=("$out/steady.json")
fi
if [ "$cold" = 1 ]; then
  say "JMH cold start: $cold_forks forks of ColdStartBench"
  jmh -f "$cold_forks" -rf json -rff "$out/cold.json" "${extra[@]}" ColdStart 2>&1 | tee -a "$out/jmh.log"
  [ "${PIPESTATUS[0]}" = 0 ] || die "JMH (cold start) failed; see $out/jmh.log"
  jsons+=("$out/cold.json")
fi

{
  echo "# JMH: Strongroom's pipeline stages against the machine's limits"
  echo
  echo '```'
  cat "$out/environment.txt"
  echo '```'
  echo
  echo "MiB/s = JMH throughput (ops/s) × MiB per operation (cold start: MiB ÷ seconds of the single pass);"
  echo "± is JMH's 99.9% confidence half-width. Single thread unless stated."
  echo
  bench_java dev.strongroom.bench.JmhReport "${jsons[@]}"
  echo
  grep -F '[compress]' "$out/jmh.log" | sort -u | sed 's/^/    /' || true
} > "$out/jmh.md"
say "done: $out/jmh.md"
cat "$out/jmh.md"
