# Shared by the bin/ scripts: find JDK 25+ and Maven, know where the project lives.
# Sourced, not executed.

ES_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export ES_HOME

java_major() { # prints the major version of the java binary given, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -1
}

find_jdk25() {
  local candidate major
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    major=$(java_major "$JAVA_HOME/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 25 ] 2>/dev/null; then echo "$JAVA_HOME"; return 0; fi
  fi
  for candidate in /usr/lib/jvm/*25* /usr/lib/jvm/*; do
    [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 25 ] 2>/dev/null; then echo "$candidate"; return 0; fi
  done
  return 1
}

use_jdk25() {
  local jdk
  if ! jdk=$(find_jdk25); then
    echo "error: Elastic Stream needs JDK 25 or newer. Set JAVA_HOME to one, or install one under /usr/lib/jvm." >&2
    exit 1
  fi
  export JAVA_HOME="$jdk"
  export PATH="$JAVA_HOME/bin:$PATH"
  # Maven's own use of sun.misc.Unsafe warns on 25; the flag is only valid on 25+, hence here and not in .mvn/.
  export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
}

mvn_cmd() {
  if ! command -v mvn >/dev/null 2>&1; then
    echo "error: Maven (mvn) is required to build Elastic Stream; install it (apt-get install -y maven)." >&2
    exit 1
  fi
  mvn -B -ntp "$@"
}

# Classpath of the cluster processes (bin/pd, bin/range-server, bin/broker): the standalone module's jar
# and its runtime libraries, which hold every role. Builds first if needed, like bin/quickstart.
es_classpath() {
  local target="$ES_HOME/broker-facade/standalone/target" jar
  jar=$(ls "$target"/standalone-*.jar 2>/dev/null | head -1 || true)
  if [ -z "$jar" ] || [ ! -d "$target/lib" ] || [ -n "$(find "$ES_HOME" -path '*/src/main/*' -newer "$jar" -print -quit 2>/dev/null)" ]; then
    echo "Building Elastic Stream (first run or sources changed)..." >&2
    (cd "$ES_HOME" && mvn_cmd -q -DskipTests -pl broker-facade/standalone -am package) >&2
    jar=$(ls "$target"/standalone-*.jar | head -1)
  fi
  echo "$jar:$target/lib/*"
}

# JVM options of the server processes (bin/quickstart, bin/pd, bin/range-server, bin/broker): ES_JAVA_OPTS
# when set (even empty), else Netty's leak detector off: its sampled stack traces cost CPU on every produce
# (docs/benchmarks.md). Unit tests run without these scripts and keep Netty's default (SIMPLE).
ES_DEFAULT_JAVA_OPTS="-Dio.netty.leakDetection.level=disabled"

# Runs a cluster process main class in the foreground with a default --config unless one is given.
#   run_es_main MAIN_CLASS DEFAULT_CONFIG HEAP "$@"
run_es_main() {
  local main="$1" config="$2" heap="$3" cp has_config=false a
  shift 3
  cp=$(es_classpath)
  local args=("$@")
  for a in "$@"; do [ "$a" = "--config" ] && has_config=true; done
  if [ "$has_config" = false ]; then
    args=(--config "$config" "${args[@]}")
  fi
  exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xms128m -Xmx"$heap" ${ES_JAVA_OPTS-$ES_DEFAULT_JAVA_OPTS} \
    -cp "$cp" "$main" "${args[@]}"
}

# Classpath of kafka-compat-tests' test code (benchmark drivers such as bin/bench-failover): its test classes
# and the test classpath the build writes to target/test-classpath.txt. Builds the module and the standalone
# server first if either is missing or sources changed.
compat_test_classpath() {
  local target="$ES_HOME/kafka-compat-tests/target" standalone="$ES_HOME/broker-facade/standalone/target"
  local stamp="$target/test-classpath.txt"
  if [ ! -f "$stamp" ] || [ ! -d "$target/test-classes" ] || ! ls "$standalone"/standalone-*.jar >/dev/null 2>&1 \
     || [ -n "$(find "$ES_HOME" \( -path '*/src/main/*' -o -path '*/kafka-compat-tests/src/*' -o -name pom.xml \) \
                -newer "$stamp" -print -quit 2>/dev/null)" ]; then
    echo "Building kafka-compat-tests and the standalone server (first run or sources changed)..." >&2
    (cd "$ES_HOME" && mvn_cmd -q -DskipTests -pl broker-facade/standalone,kafka-compat-tests -am package) >&2
  fi
  echo "$target/test-classes:$(cat "$stamp")"
}
