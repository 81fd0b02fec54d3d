#!/usr/bin/env bash
# Installs mediaferry as a systemd service. Idempotent: run it again to upgrade (the jar and
# the unit are replaced; /etc/mediaferry/*.conf and logback.xml are kept as edited).
#
#   sudo scripts/install.sh [--prefix /opt/mediaferry] [--media DIR] [--trash DIR] [--user NAME]
#                           [--from DIR]   (mediaferry.jar and lib/ from DIR; default: target/, built if missing)
#                           [--no-archives] (no start-up archives: skips the 10-30 s of training runs)
#   DESTDIR=/tmp/pkg scripts/install.sh ...   # stage into a folder (packaging, tests): no user
#                                             # is created, nothing is started, no archives are made
#
# Then: edit /etc/mediaferry/mediaferry.conf (target.url at least), and
#   systemctl enable --now mediaferry && /opt/mediaferry/bin/mediaferry status
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

prefix=/opt/mediaferry
media=/srv/mediaferry/media
trash=""
user=mediaferry
from="$root/target"
etc=/etc/mediaferry
state=/var/lib/mediaferry
logs=/var/log/mediaferry
archives=yes
usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix="$2"; shift 2 ;;
    --media) media="$2"; shift 2 ;;
    --trash) trash="$2"; shift 2 ;;
    --user) user="$2"; shift 2 ;;
    --from) from="$2"; shift 2 ;;
    --no-archives) archives=no; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "install.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done
# the trash must be on the media's filesystem (a move, not a copy): beside it by default
[ -n "$trash" ] || trash="$(dirname "$media")/mediaferry-trash"
dest="${DESTDIR:-}"

if [ "$from" = "$root/target" ] && { [ ! -f "$from/mediaferry.jar" ] || [ ! -d "$from/lib" ]; }; then
  echo "install.sh: building the jar ..." >&2
  (cd "$root" && mvn -q -B -DskipTests package) >&2
fi
if [ ! -f "$from/mediaferry.jar" ] || [ ! -d "$from/lib" ]; then
  echo "install.sh: no mediaferry.jar and lib/ in $from (--from)" >&2
  exit 2
fi

if [ -z "$dest" ] && ! id -u "$user" >/dev/null 2>&1; then
  useradd --system --home-dir "$state" --no-create-home --shell /usr/sbin/nologin "$user"
  echo "created system user $user"
fi

install -d "$dest$prefix/lib" "$dest$prefix/bin" "$dest$prefix/docs" "$dest$etc" \
  "$dest$state/state" "$dest$state/.ssh" "$dest$logs" "$dest$media" "$dest$trash" "$dest/etc/systemd/system"

# the program: replaced on every run (upgrade); the old lib/ goes so no stale jar stays on the classpath
rm -rf "$dest$prefix/lib"
install -d "$dest$prefix/lib"
install -m 0644 "$from/mediaferry.jar" "$dest$prefix/mediaferry.jar"
install -m 0644 "$from"/lib/*.jar "$dest$prefix/lib/"
install -m 0644 "$root"/docs/*.md "$dest$prefix/docs/"
# how `run --once` starts (scripts/lib/once-java.sh: the compiler options) and the start-up archives
install -d "$dest$prefix/conf"
install -m 0644 "$root/conf/once-compiler-directives.json" "$root/scripts/lib/once-java.sh" "$dest$prefix/conf/"
cat > "$dest$prefix/bin/mediaferry" <<WRAPPER
#!/bin/sh
# mediaferry, installed by scripts/install.sh
case "\${LC_ALL:-\${LC_CTYPE:-\${LANG:-}}}" in
  *UTF-8*|*utf8*|*UTF8*|*utf-8*) ;;
  *) export LC_ALL=C.UTF-8 ;;
esac
lib=$prefix/lib
java=java
share=""
compile=""
# MEDIAFERRY_CDS=off: no archive (as scripts/mediaferry)
archives=\${MEDIAFERRY_CDS:-on}
# the class-data archive made at install (lib/mediaferry.jsa): about 0.6 s less per start for
# every command but the daemon (started once, it would keep ~40 MB more resident for nothing)
[ -f \$lib/mediaferry.jsa ] && [ "\$archives" != off ] && share="-XX:SharedArchiveFile=\$lib/mediaferry.jsa"
if [ "\${1:-}" = run ]; then
  daemon=yes
  for arg in "\$@"; do [ "\$arg" = --once ] && daemon=""; done
  if [ -n "\$daemon" ]; then
    share=""
  else
    # run --once: on the newer JDK its AOT cache was made with, C2 for the crypto only and earlier
    # compiles (scripts/lib/once-java.sh; docs/benchmarks.md, sixth and seventh sessions)
    . $prefix/conf/once-java.sh
    if [ -f \$lib/mediaferry-once.aot ] && [ -x "\$(cat \$lib/once-java 2>/dev/null)" ] \\
        && [ "\$archives" != off ]; then
      java=\$(cat \$lib/once-java)
      share="-XX:AOTCache=\$lib/mediaferry-once.aot \$(once_newer_java_opts)"
    fi
    compile=\$(once_compiler_opts $prefix)
  fi
fi
# JVM warnings (a stale archive's) on stderr: stdout keeps audit output and summaries
[ -n "\$share" ] && share="\$share -Xlog:disable -Xlog:all=warning:stderr"
exec \$java \$share \$compile \${MEDIAFERRY_JAVA_OPTS:--Xmx192m -Xms16m -XX:+UseSerialGC -Dlogback.configurationFile=$etc/logback.xml} -jar $prefix/mediaferry.jar "\$@"
WRAPPER
chmod 0755 "$dest$prefix/bin/mediaferry"

# start-up archives, made from the installed jar where it runs (an archive records its class
# path, so a staged install under DESTDIR gets none); remade by every install, as after a JDK upgrade
if [ -z "$dest" ] && [ "$archives" = yes ]; then
  # shellcheck source=lib/once-java.sh
  source "$root/scripts/lib/once-java.sh"
  # shellcheck source=lib/archives.sh
  source "$root/scripts/lib/archives.sh"
  make_installed_archives "$prefix"
fi

fill() {
  sed -e "s|@PREFIX@|$prefix|g" -e "s|@USER@|$user|g" -e "s|@ETC@|$etc|g" -e "s|@STATE@|$state|g" \
    -e "s|@LOGS@|$logs|g" -e "s|@MEDIA@|$media|g" -e "s|@TRASH@|$trash|g" "$1"
}
# configuration: written once, then the operator's
if [ ! -f "$dest$etc/mediaferry.conf" ]; then
  fill "$root/conf/mediaferry.service.conf" > "$dest$etc/mediaferry.conf"
  chmod 0640 "$dest$etc/mediaferry.conf"
  echo "wrote $etc/mediaferry.conf: set mediaferry.target.url before starting"
fi
[ -f "$dest$etc/logback.xml" ] || install -m 0644 "$root/conf/logback.xml" "$dest$etc/logback.xml"
fill "$root/conf/systemd/mediaferry.service" > "$dest/etc/systemd/system/mediaferry.service"
chmod 0644 "$dest/etc/systemd/system/mediaferry.service"

if [ -z "$dest" ]; then
  chown -R "$user:$user" "$state" "$logs" "$media" "$trash"
  chgrp "$user" "$etc/mediaferry.conf"
  if [ -d /run/systemd/system ]; then
    systemctl daemon-reload
  fi
fi
echo "installed mediaferry in ${dest}${prefix}; unit ${dest}/etc/systemd/system/mediaferry.service"
echo "next: edit $etc/mediaferry.conf, then: systemctl enable --now mediaferry; $prefix/bin/mediaferry status"
