# Sourced by scripts/mediaferry, scripts/bench and the tests' Cli helper: how `run --once` starts.
#
# A --once run is a short life: a fresh JVM that compiles through most of it (the JIT took
# 9.7 s of CPU in a 9 s run of 500 x 2 MiB on 2 cores, docs/benchmarks.md "sixth session").
# So it starts differently from the daemon:
# - on the newest JDK 25 or later installed beside the default java (under /usr/lib/jvm, or
#   MEDIAFERRY_JVM_ROOT), with an AOT cache (JEP 483/514/515: classes loaded and linked, and
#   method profiles, from a training run; scripts/mediaferry makes it once per build);
#   MEDIAFERRY_ONCE_JAVA=/path/to/bin/java picks another, MEDIAFERRY_ONCE_JAVA=off the default;
# - with C2 kept for the crypto and SHA-256 code only (conf/once-compiler-directives.json);
#   everything else stays with the quick C1 compiler. The daemon, long-lived, keeps both.

# Prints the java for --once runs, or nothing when the default java is it.
once_java() {
  case "${MEDIAFERRY_ONCE_JAVA:-}" in
    off) return 0 ;;
    "") ;;
    *) echo "$MEDIAFERRY_ONCE_JAVA"; return 0 ;;
  esac
  local best="" best_major=0 release major
  for release in "${MEDIAFERRY_JVM_ROOT:-/usr/lib/jvm}"/*/release; do
    [ -f "$release" ] || continue
    major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release")
    if [ -n "$major" ] && [ "$major" -ge 25 ] && [ "$major" -gt "$best_major" ] \
      && [ -x "$(dirname "$release")/bin/java" ]; then
      best="$(dirname "$release")/bin/java"; best_major=$major
    fi
  done
  echo "$best"
}

# Options for every --once run, on any java: C2 for the crypto only, and the compilers called
# at 0.3 of their usual thresholds, so less of a short run is spent in the interpreter
# (500 x 2 MiB, 5 runs each, alternated, JDK 25: median 8.33 -> 7.63 s; 0.5: 7.98 s; 0.1 and
# 0.03 were slower; one 2 GiB file unchanged within the noise). $1: the project root.
# (The JVM says "2 compiler directives added" on its own output: sent to stderr, so that
# stdout keeps only the run's summary.)
once_compiler_opts() {
  echo "-XX:+UnlockDiagnosticVMOptions -XX:CompilerDirectivesFile=$1/conf/once-compiler-directives.json"
  echo "-XX:CompileThresholdScaling=0.3 -XX:+DisplayVMOutputToStderr"
}

# Options for the newer java: without them JDK 24+ warns on stderr about sqlite-jdbc's native
# library and Pekko's use of sun.misc.Unsafe.
once_newer_java_opts() {
  echo "--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"
}
