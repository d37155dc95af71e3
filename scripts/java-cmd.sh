# Sourced by ./strongroom and bench/compare.sh after scripts/jdk.sh: sets the array SR_JAVA to the
# command that runs the CLI jar with the project's JVM settings, creating the ahead-of-time cache
# (JEP 483/514/515) first if it is missing or older than the jar.
#   --enable-native-access  zstd-jni and sqlite-jdbc use native code
#   -Xmx256m -XX:+UseParallelGC  bounded memory for any dataset size; the pipeline's own budget
#                           (in-flight chunks, open and queued packs) stays well inside it
#   -XX:AOTCache            classes loaded and linked, and method profiles, from a training run of
#                           the built-in self test: faster start and earlier JIT compilation
#   -XX:-AOTReplayTraining  but not the training run's method profiles: replaying them makes the
#                           JIT compile the self test's hot code (key generation, bulk crypto) in
#                           every command; without it `log` and a no-change backup take ~0.1 s
#                           less on 2 cores and bulk commands are unchanged (docs/performance.md)
# STRONGROOM_NO_AOT=1 skips the cache; STRONGROOM_JAVA_OPTS adds options.
sr_java_cmd() {
  local jar="$1" aot="${1%.jar}.aot"
  SR_JAVA=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx256m -XX:+UseParallelGC)
  if [ -z "${STRONGROOM_NO_AOT:-}" ]; then
    if [ ! -f "$aot" ] || [ "$jar" -nt "$aot" ]; then
      echo "strongroom: preparing the startup cache (once per build)..." >&2
      rm -f "$aot"
      "${SR_JAVA[@]}" -XX:AOTCacheOutput="$aot" -Xlog:aot=off -Xlog:cds=off -jar "$jar" selftest >/dev/null 2>&1 \
        || rm -f "$aot"
    fi
    [ -f "$aot" ] && SR_JAVA+=(-XX:AOTCache="$aot" -Xlog:aot=off -Xlog:cds=off
                               -XX:+UnlockDiagnosticVMOptions -XX:-AOTReplayTraining)
  fi
  # shellcheck disable=SC2206
  SR_JAVA+=(${STRONGROOM_JAVA_OPTS:-} -jar "$jar")
}
