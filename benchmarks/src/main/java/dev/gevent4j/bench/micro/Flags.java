package dev.gevent4j.bench.micro;

/** The JVM flags every forked benchmark JVM gets: what greenlets need without the agent (see JdkAccess). */
final class Flags {
    private Flags() {}

    static final String ADD_OPENS = "--add-opens=java.base/java.lang=ALL-UNNAMED";
    static final String ADD_EXPORTS = "--add-exports=java.base/jdk.internal.access=ALL-UNNAMED";
    static final String NATIVE = "--enable-native-access=ALL-UNNAMED";
    static final String PARALLEL_GC = "-XX:+UseParallelGC";
    static final String ONE_CARRIER = "-Djdk.virtualThreadScheduler.parallelism=1";
}
