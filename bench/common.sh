# Sourced by bench/run-jmh and bench/run-dcap-compare: JDK, an up-to-date bench jar, the quote sets, CPU pinning.
# Expects $bench (this directory) to be set by the caller.
root=$(dirname "$bench")
. "$root/scripts/java-env.sh"

jar="$bench/target/clave-bench.jar"
results="$bench/results"

# JMH (and so the forked VMs, which inherit the host's flags) touches sun.misc.Unsafe; JDK 24+ warns without this.
bench_java_opts=()
if [ "$(clave_java_major "$JAVA_HOME/bin/java")" -ge 24 ]; then
  bench_java_opts+=(--sun-misc-unsafe-memory-access=allow)
fi
# Extra JVM flags for every benchmark JVM, e.g. BENCH_JAVA_OPTS="-Xmx1g -XX:+UseParallelGC".
read -r -a extra_java_opts <<<"${BENCH_JAVA_OPTS:-}"
bench_java_opts+=("${extra_java_opts[@]}")

# Builds the bench module (and attestation) when the jar is missing or older than any source or POM.
bench_build() {
  if [ -f "$jar" ] && [ -z "$(find "$root" -path "$root/.git" -prune -o -path '*/target' -prune \
      -o -path '*/node_modules' -prune -o \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) \
      -newer "$jar" -print -quit)" ]; then
    return 0
  fi
  echo "bench: building clave-bench.jar…" >&2
  mkdir -p "$results"
  if ! (cd "$root" && mvn -B -q -DskipTests package -pl bench -am >"$results/build.log" 2>&1); then
    echo "bench: build failed; the log is in $results/build.log" >&2
    tail -n 30 "$results/build.log" >&2
    exit 2
  fi
  touch "$jar"
}

# The quote sets: $CLAVE_DCAP_DIR, else the nearest shared/testdata/dcap above the repository. Exported so
# that Java (JMH forks included) and Node resolve set names the same way.
bench_find_sets() {
  if [ -z "${CLAVE_DCAP_DIR:-}" ]; then
    local d=$root
    while [ "$d" != / ]; do
      if [ -d "$d/shared/testdata/dcap" ]; then CLAVE_DCAP_DIR="$d/shared/testdata/dcap"; break; fi
      d=$(dirname "$d")
    done
  fi
  if [ -z "${CLAVE_DCAP_DIR:-}" ] || [ ! -d "$CLAVE_DCAP_DIR" ]; then
    echo "bench: no shared/testdata/dcap found above $root; set CLAVE_DCAP_DIR" >&2
    exit 2
  fi
  export CLAVE_DCAP_DIR
}

# A command prefix that pins to one CPU: $BENCH_CPU, else the first CPU this shell may run on. Empty (with a
# warning) without taskset. Single-core numbers make Clave and dcap-qvl comparable and machine-independent
# of core count: JIT, GC and V8's helper threads all share that one core.
bench_pin() {
  pin=()
  if ! command -v taskset >/dev/null 2>&1; then
    echo "bench: taskset not found; NOT pinned to one core (figures are not comparable)" >&2
    return 0
  fi
  local cpu=${BENCH_CPU:-$(taskset -cp $$ | sed 's/.*: *//; s/[-,].*//')}
  pin=(taskset -c "$cpu")
}
