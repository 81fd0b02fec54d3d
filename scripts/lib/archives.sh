# Sourced by scripts/mediaferry (per build, under target/) and scripts/install.sh (per install,
# under the prefix's lib/): the start-up archives, each made by a training run of the jar at
# the path it will run from (an archive records the class path it was made with).
#
# - a class-data archive (CDS) for the default java: the classes a run loads are mapped from
#   it instead of loaded (about 0.8 s less per start on JDK 17, docs/benchmarks.md);
# - for `run --once` on JDK 25 or later (scripts/lib/once-java.sh), an AOT cache: the classes
#   loaded and linked, and the method profiles of the training (JEP 483/514/515).
#
# The training is `mediaferry demo` (an SFTP server in the training's own process on
# 127.0.0.1, sample files uploaded, verified and deleted), so the SSH, SFTP and NAS-helper
# classes are archived too; where it cannot run, a --once over one small local file. For the
# AOT cache the demo adds 100 photos of 2 MiB, so the per-file code is profiled over 100
# files instead of 5 (a --once of 500 x 2 MiB: ~8.4 -> ~6.9 s, docs/benchmarks.md, sixth
# session); that training takes ~20 s.

# make_archive JAR JAVA ARCHIVE OPTION PHOTOS [JVM OPTIONS...]: trains ARCHIVE with JAVA, OPTION
# being the JVM option that writes it (-XX:ArchiveClassesAtExit, -XX:AOTCacheOutput); true when
# it was made. JVM warnings of the training are not shown (they go with its output).
make_archive() {
  local jar=$1 java=$2 archive=$3 make=$4 photos=$5; shift 5
  local train; train=$(mktemp -d)
  mkdir -p "$train/media" "$train/nas" && head -c 100000 /dev/urandom > "$train/media/training.jpg"
  printf 'mediaferry { home = "%s", source { dir = "%s/media", stable-for = 0s }, target.url = "file:%s/nas",
    http.enabled = false, storage.min-free = 0, delete.after-sync = false }\n' "$train" "$train" "$train" \
    > "$train/training.conf"
  # the demo's folder goes under $train (java.io.tmpdir), so it is removed with it
  printf 'mediaferry.home = "%s"\n' "$train" > "$train/demo.conf"
  rm -f "$archive"
  local jvm=("$java" -Xmx192m -Xms16m -XX:+UseSerialGC "$make=$archive" "$@" -Xlog:disable
    -Djava.io.tmpdir="$train" -jar "$jar")
  MEDIAFERRY_LOG_DIR="$train/log" "${jvm[@]}" demo --config "$train/demo.conf" --photos "$photos" >/dev/null 2>&1 ||
    MEDIAFERRY_LOG_DIR="$train/log" "${jvm[@]}" run --once --config "$train/training.conf" >/dev/null 2>&1 ||
    rm -f "$archive"
  rm -rf "$train"
  [ -f "$archive" ]
}

# make_installed_archives PREFIX: the archives of an installed mediaferry (scripts/install.sh)
# in PREFIX/lib: mediaferry.jsa for the default java and, where a JDK 25 or later is
# installed, mediaferry-once.aot with that java's path in once-java (the cache is only valid
# on the java that made it). Needs scripts/lib/once-java.sh sourced. Never fails the install:
# without an archive, mediaferry starts as before, only slower.
make_installed_archives() {
  local prefix=$1 newer
  rm -f "$prefix/lib/mediaferry.jsa" "$prefix/lib/mediaferry-once.aot" "$prefix/lib/once-java"
  echo "making the start-up archives in $prefix/lib (training runs of 10-30 s) ..." >&2
  make_archive "$prefix/mediaferry.jar" java "$prefix/lib/mediaferry.jsa" -XX:ArchiveClassesAtExit 0 ||
    echo "install.sh: the class-data archive could not be made; mediaferry starts without it" >&2
  newer=$(once_java)
  if [ -n "$newer" ]; then
    # shellcheck disable=SC2046 # once_newer_java_opts: separate options
    if make_archive "$prefix/mediaferry.jar" "$newer" "$prefix/lib/mediaferry-once.aot" -XX:AOTCacheOutput 100 \
        $(once_newer_java_opts); then
      echo "$newer" > "$prefix/lib/once-java"
    else
      echo "install.sh: the AOT cache for run --once could not be made on $newer; --once runs on the default java" >&2
    fi
  fi
  chmod 0644 "$prefix"/lib/mediaferry.jsa "$prefix"/lib/mediaferry-once.aot "$prefix"/lib/once-java 2>/dev/null || true
}
