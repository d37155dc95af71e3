# Sourced by ./strongroom and ./run-tests. The JVM decodes file names with the locale's
# character set; under C/POSIX (common in containers and CI) every non-ASCII name would be
# unreadable. Switch to a UTF-8 locale unless one is already active.
case "${LC_ALL:-${LC_CTYPE:-${LANG:-}}}" in
  *UTF-8*|*utf8*|*UTF8*|*utf-8*) ;;
  *) export LC_ALL=C.UTF-8 ;;
esac
