# Sourced (POSIX sh). Exports JAVA_HOME pointing at a JDK >= 25.
# Order: an existing JAVA_HOME if it is 25+, then any JDK 25+ under /usr/lib/jvm.
speglar_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1
}
speglar_find_java() {
  if [ -n "${JAVA_HOME-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    v=$(speglar_java_major "$JAVA_HOME")
    if [ -n "$v" ] && [ "$v" -ge 25 ]; then return 0; fi
  fi
  for d in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    if [ -x "$d/bin/java" ] && [ -x "$d/bin/javac" ]; then
      v=$(speglar_java_major "$d")
      if [ -n "$v" ] && [ "$v" -ge 25 ]; then JAVA_HOME="$d"; export JAVA_HOME; return 0; fi
    fi
  done
  echo "speglar: no JDK 25+ found (set JAVA_HOME, or install Temurin 25 under /usr/lib/jvm)" >&2
  return 1
}
speglar_find_java || exit 1
