# Sourced by ./strongroom and ./run-tests: sets JAVA_HOME to a JDK 25 or newer.
# Uses JAVA_HOME if it already points at 25+, else the newest JDK under /usr/lib/jvm.
java_major() { "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1; }

find_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ "$(java_major "$JAVA_HOME")" -ge 25 ] 2>/dev/null; then
    echo "$JAVA_HOME"; return 0
  fi
  local d best="" best_v=0 v
  for d in /usr/lib/jvm/*; do
    [ -x "$d/bin/java" ] && [ -x "$d/bin/javac" ] || continue
    v="$(java_major "$d" 2>/dev/null || echo 0)"
    if [ -n "$v" ] && [ "$v" -ge 25 ] 2>/dev/null && [ "$v" -gt "$best_v" ]; then best="$d"; best_v="$v"; fi
  done
  [ -n "$best" ] || { echo "strongroom: needs JDK 25 or newer (set JAVA_HOME or install one under /usr/lib/jvm)" >&2; return 1; }
  echo "$best"
}

JAVA_HOME="$(find_jdk)" || exit 1
export JAVA_HOME
