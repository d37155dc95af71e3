# Sourced by bench/compare.sh and bench/jmh.sh. Expects $root (the repository) to be set and
# scripts/jdk.sh + scripts/locale.sh to be sourced already.

say() { printf '%s\n' "bench: $*" >&2; }
die() { say "$*"; exit 1; }

cli_jar="$root/cli/target/strongroom.jar"
bench_jar="$root/bench/target/strongroom-bench.jar"

# True when a jar is missing or a source, pom or resource is newer than it (as ./strongroom checks).
jars_stale() {
  local j
  for j in "$cli_jar" "$bench_jar"; do
    [ -f "$j" ] || return 0
  done
  [ -n "$(find "$root" -path "$root/*/target" -prune -o -path "$root/.git" -prune -o -path "$root/bench/work" -prune \
      -o -path "$root/bench/results" -prune -o \
      \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) -newer "$bench_jar" -print -quit)" ]
}

# Builds the CLI and bench jars without tests (offline first, then online once if something is missing).
build_jars() {
  say "building (mvn -DskipTests install)..."
  (cd "$root" && { mvn -q -B -ntp -o -DskipTests install >&2 || mvn -q -B -ntp -DskipTests install >&2; }) \
    || die "build failed"
}

ensure_jars() {
  if [ "${1:-auto}" = always ] || { [ "${1:-auto}" = auto ] && jars_stale; }; then
    build_jars
  fi
  [ -f "$cli_jar" ] && [ -f "$bench_jar" ] || die "missing $cli_jar or $bench_jar (build with: mvn -DskipTests install)"
}

bench_java() { "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$bench_jar" "$@"; }

# apt-get install, as root or through sudo.
apt_install() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  say "installing Debian packages: $*"
  $sudo apt-get update -qq >&2 || say "apt-get update failed (continuing)"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >&2
}

# Machine and software facts for a results file.
environment_info() {
  local cpu
  cpu="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
  echo "date:        $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpu:         ${cpu:-unknown} ($(nproc) cores online)"
  echo "cpu flags:   $(grep -o -w -E 'aes|sha_ni|avx2|avx512f|vaes|vpclmulqdq' /proc/cpuinfo | sort -u | tr '\n' ' ')"
  echo "memory:      $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "kernel:      $(uname -sr)"
  echo "os:          $(. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-?}")"
  echo "jdk:         $("$JAVA_HOME/bin/java" -version 2>&1 | head -n1) ($JAVA_HOME)"
  echo "source:      $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')$( [ -n "$(git --no-optional-locks -C "$root" status --porcelain --untracked-files=no 2>/dev/null | head -n1)" ] && echo ' (with uncommitted changes)')"
}
