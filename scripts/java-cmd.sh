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

# sr_agent_socket ARGS...: prints the socket of the resident agent (docs/agent.md) that the CLI
# would hand these arguments to, i.e. for the verbs the agent runs, the home's state/agent.sock
# (--home DIR, else $STRONGROOM_HOME, else the XDG state folder), as the CLI's own Launcher
# resolves it; fails for other verbs or with STRONGROOM_NO_AGENT set.
sr_agent_socket() {
  case "${1:-}" in backup|restore|ls|log|cat|verify|audit) ;; *) return 1 ;; esac
  [ -z "${STRONGROOM_NO_AGENT:-}" ] || return 1
  local a prev="" home=""
  for a in "$@"; do
    [ "$a" = "--" ] && break
    if [ "$prev" = "--home" ]; then home="$a"; break; fi
    case "$a" in --home=*) home="${a#--home=}"; break ;; esac
    prev="$a"
  done
  if [ -z "$home" ] && [ -n "${STRONGROOM_HOME:-}" ] && [ -n "${STRONGROOM_HOME// /}" ]; then home="$STRONGROOM_HOME"; fi
  if [ -n "$home" ]; then
    echo "$home/state/agent.sock"
  else
    local s="${XDG_STATE_HOME:-}"
    case "$s" in /*) ;; *) s="${HOME:-~}/.local/state" ;; esac
    echo "$s/strongroom/agent.sock"
  fi
}

# sr_thin_java_cmd JAR: sets SR_THIN to the command for a CLI process that only hands its command
# to an agent: the JDK's default class-data archive instead of the project's AOT cache (which
# maps ~57 MiB and starts ~40 ms slower for this little work) and the serial GC. If the agent
# refuses after all, the command runs in this JVM with a normal JIT, only a slower start.
sr_thin_java_cmd() {
  # shellcheck disable=SC2206
  SR_THIN=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx256m -XX:+UseSerialGC
           ${STRONGROOM_JAVA_OPTS:-} -jar "$1")
}
