# Sourced by Clave's scripts: picks a JDK >= 21 and exports JAVA_HOME and PATH.
# Order: JAVA_HOME if it qualifies, then `java` on PATH, then the system's installed JDKs (newest first).

clave_java_major() {
  # Prints the feature version of the java binary $1 (17, 21, 25…), or nothing.
  "$1" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1
}

clave_find_jdk() {
  local candidate major
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    major=$(clave_java_major "$JAVA_HOME/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then echo "$JAVA_HOME"; return 0; fi
  fi
  if command -v javac >/dev/null 2>&1; then
    candidate=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    major=$(clave_java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then echo "$candidate"; return 0; fi
  fi
  for candidate in $(ls -d /usr/lib/jvm/* /usr/local/lib/jvm/* /opt/java/* /opt/jdk* 2>/dev/null | sort -rV); do
    [ -x "$candidate/bin/javac" ] || continue
    major=$(clave_java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then echo "$candidate"; return 0; fi
  done
  return 1
}

if ! CLAVE_JDK=$(clave_find_jdk); then
  echo "clave: no JDK 21 or newer found (looked at JAVA_HOME, PATH and /usr/lib/jvm)." >&2
  echo "clave: install one (for example: apt-get install openjdk-21-jdk-headless) or set JAVA_HOME." >&2
  exit 2
fi
export JAVA_HOME="$CLAVE_JDK"
export PATH="$JAVA_HOME/bin:$PATH"
# Maven 3.8's bundled Guava trips JDK 24+'s sun.misc.Unsafe warning; silence it there only.
if [ "$(clave_java_major "$JAVA_HOME/bin/java")" -ge 24 ]; then
  case " ${MAVEN_OPTS:-} " in
    *sun-misc-unsafe-memory-access*) ;;
    *) export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" ;;
  esac
fi
