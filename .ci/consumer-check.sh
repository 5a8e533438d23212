#!/usr/bin/env bash
# Checks gevent4j's artifacts as a user gets them: `mvn install` into a private local repository, then builds
# .ci/consumer (a project outside this build: imports gevent4j-bom, depends on gevent4j-runtime, copies the agent
# jar gevent4j-agent:all) and runs its Gevent.spawn/joinAll program four ways: with the JVM flags, under the agent
# alone, on the module path, and with neither (it must then fail with the error that names the flags). Called by
# .ci/run; run it from any directory. Leaves nothing behind (the private repository and the consumer's copy go).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "consumer-check: $*" >&2; }
fail() { log "FAILED: $*"; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/gevent4j-consumer.XXXXXX")
trap 'rm -rf "$work"' EXIT
repo="$work/m2"

# The private repository starts as a copy of ~/.m2/repository (what the build has downloaded already), so nothing
# needs downloading; gevent4j's own artifacts are removed, so the consumer sees exactly what this install produced.
if [[ -d "$HOME/.m2/repository" ]]; then cp -r "$HOME/.m2/repository" "$repo"; else mkdir -p "$repo"; fi
rm -rf "$repo/dev/gevent4j"

log "mvn install (tests skipped: the README's mvn -B verify runs them) into $repo"
mvn -B -q install -DskipTests -Dmaven.repo.local="$repo"
version=$(sed -n '/<artifactId>gevent4j-parent<\/artifactId>/,/<\/version>/s/.*<version>\(.*\)<\/version>.*/\1/p' pom.xml)
for a in gevent4j-bom/$version/gevent4j-bom-$version.pom \
         gevent4j-runtime/$version/gevent4j-runtime-$version.jar \
         gevent4j-runtime/$version/gevent4j-runtime-$version-sources.jar \
         gevent4j-runtime/$version/gevent4j-runtime-$version-javadoc.jar \
         gevent4j-agent/$version/gevent4j-agent-$version-all.jar \
         gevent4j-agent/$version/gevent4j-agent-$version-sources.jar \
         gevent4j-agent/$version/gevent4j-agent-$version-javadoc.jar; do
  [[ -f "$repo/dev/gevent4j/$a" ]] || fail "mvn install did not publish dev/gevent4j/$a"
done

# A JDK >= 25 for the consumer's Maven and program.
jdk=""
for d in "${JAVA_HOME:-/nonexistent}" /usr/lib/jvm/*; do
  v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$d/release" 2>/dev/null || true)
  if [[ -n "$v" ]] && ((v >= 25)); then jdk="$d"; break; fi
done
[[ -n "$jdk" ]] || fail "no JDK 25 or later found (looked at \$JAVA_HOME and /usr/lib/jvm)"

cp -r .ci/consumer "$work/consumer"
cd "$work/consumer"
log "building the consumer (gevent4j $version, JDK $jdk)"
JAVA_HOME="$jdk" MAVEN_OPTS="--sun-misc-unsafe-memory-access=allow" \
  mvn -B -q package -Dmaven.repo.local="$repo" -Dgevent4j.version="$version"
cp="target/classes:$(cat target/classpath.txt)"
java="$jdk/bin/java"
flags=(--add-opens java.base/java.lang=ALL-UNNAMED --add-exports java.base/jdk.internal.access=ALL-UNNAMED
       --enable-native-access=ALL-UNNAMED)

out=$("$java" "${flags[@]}" -cp "$cp" example.Hello 2>&1) || fail "with the JVM flags: $out"
[[ "$out" == "[b, a]" ]] || fail "with the JVM flags, expected [b, a], got: $out"
log "with the JVM flags: $out"

out=$("$java" -javaagent:target/gevent4j-agent.jar -cp "$cp" example.Hello 2>&1) || fail "under the agent: $out"
[[ "$out" == "[b, a]" ]] || fail "under the agent (no flags), expected [b, a], got: $out"
log "under -javaagent:gevent4j-agent.jar, no flags: $out"

# On the module path the jars are automatic modules (Automatic-Module-Name dev.gevent4j; Netty's io.netty.*): the
# flags then name the module instead of ALL-UNNAMED.
out=$("$java" --module-path "$(cat target/classpath.txt)" --add-modules ALL-MODULE-PATH \
  --add-opens java.base/java.lang=dev.gevent4j --add-exports java.base/jdk.internal.access=dev.gevent4j \
  --enable-native-access=io.netty.common -cp target/classes example.Hello 2>&1) || fail "on the module path: $out"
[[ "$out" == "[b, a]" ]] || fail "on the module path, expected [b, a], got: $out"
log "runtime on the module path as module dev.gevent4j: $out"

if out=$("$java" -cp "$cp" example.Hello 2>&1); then fail "without flags or agent it ran: $out"; fi
grep -q "IllegalStateException: gevent4j needs access to JDK internals.*--add-opens java.base/java.lang=ALL-UNNAMED --add-exports java.base/jdk.internal.access=ALL-UNNAMED" <<<"$out" \
  || fail "without flags or agent, expected the error naming the flags, got: $out"
log "without flags or agent: fails naming the flags, as documented"
echo "consumer-check: passed"
