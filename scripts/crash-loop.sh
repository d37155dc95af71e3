#!/usr/bin/env bash
# Crash loop, long form: runs CrashLoopTest (cli/src/test) with many rounds. Each round starts a
# backup, kills the server process with SIGKILL at a random moment, restarts it on the same data,
# finishes the backup, runs verify, and restores versions that were reported committed.
#
#   scripts/crash-loop.sh [ROUNDS] [embedded|postgres_s3|all] [SEED]
#
# ROUNDS defaults to 100 per store configuration; "all" (the default) runs the embedded SQLite +
# folder server and the PostgreSQL + S3 one (embedded PostgreSQL and S3Proxy on loopback, both
# outliving the killed server). A failing round prints its seed; pass it back to replay the same
# kill points. Exits non-zero on any failure. Needs the same as ./run-tests (JDK 25, Maven; the
# first run downloads the test services' artifacts).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$here/scripts/jdk.sh"
. "$here/scripts/locale.sh"
rounds="${1:-100}"
stores="${2:-all}"
seed="${3:-}"
case "$rounds" in ''|*[!0-9]*) echo "crash-loop: ROUNDS must be a number" >&2; exit 2 ;; esac
case "$stores" in
  all) only="" ;;
  embedded|EMBEDDED) only="EMBEDDED" ;;
  postgres_s3|postgres-s3|POSTGRES_S3) only="POSTGRES_S3" ;;
  *) echo "crash-loop: stores must be embedded, postgres_s3 or all" >&2; exit 2 ;;
esac
cd "$here"
echo "crash-loop: $rounds rounds per configuration (${stores}), JDK $JAVA_HOME" >&2
start=$(date +%s)
status=0
mvn -B -ntp -q -pl cli -am test \
  -Dtest=CrashLoopTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dstrongroom.crashloop.rounds="$rounds" -Dstrongroom.crashloop.stores="$only" \
  ${seed:+-Dstrongroom.crashloop.seed="$seed"} || status=$?
out="$here/cli/target/surefire-reports/dev.strongroom.cli.CrashLoopTest-output.txt"
if [ -f "$out" ]; then
  grep -E '^crash loop [A-Z_0-9]+: [0-9]+ (rounds|of)' "$out" || true
fi
echo "crash-loop: $(( $(date +%s) - start )) s, $([ $status -eq 0 ] && echo passed || echo FAILED)" >&2
exit $status
