package dev.gevent4j;

/**
 * The single registry of gevent4j's settings. Each key is a JVM system property ({@code -Dkey=value}); the
 * environment variable named in the table, if set, is used when the property is not. Values are read when a hub
 * is created.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>key</th><th>environment</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code gevent4j.loop}</td><td>{@code GEVENT4J_LOOP}</td><td>{@code auto}</td>
 *       <td>The hub's IO backend: {@code epoll} (Netty's native epoll; fails if unavailable), {@code nio} (Netty's
 *       NIO selector), or {@code auto} (epoll where available, else NIO).</td></tr>
 *   <tr><td>{@code gevent4j.hub.batch}</td><td>{@code GEVENT4J_HUB_BATCH}</td><td>{@code 1024}</td>
 *       <td>How many runnable greenlets and callbacks the hub runs before it polls for IO again, so that a stream
 *       of {@code sleep(0)} can never starve IO. 1 to 1,000,000.</td></tr>
 *   <tr><td>{@code gevent4j.hub.closeGraceMillis}</td><td>{@code GEVENT4J_HUB_CLOSE_GRACE_MILLIS}</td>
 *       <td>{@code 2000}</td><td>How long {@link Hub#close()} waits for killed greenlets to unwind before it
 *       abandons the ones still running. 0 to 3,600,000.</td></tr>
 *   <tr><td>{@code gevent4j.threadpool.size}</td><td>{@code GEVENT4J_THREADPOOL_SIZE}</td><td>{@code 10}</td>
 *       <td>The number of threads of each hub's {@link Hub#threadPool() thread pool}. 1 to 10,000.</td></tr>
 *   <tr><td>{@code gevent4j.subprocess.maxOutputBytes}</td><td>{@code GEVENT4J_SUBPROCESS_MAX_OUTPUT_BYTES}</td>
 *       <td>{@code 67108864}</td><td>How many bytes {@code dev.gevent4j.io.Subprocess.run} collects from each of a
 *       child's stdout and stderr; more is an error (the child is killed). 1 to 2,147,483,647.</td></tr>
 *   <tr><td>{@code gevent4j.monitor}</td><td>{@code GEVENT4J_MONITOR}</td><td>{@code true}</td>
 *       <td>Run the monitor thread that reports stalled hubs (see {@code docs/operations.md}). true or false.</td></tr>
 *   <tr><td>{@code gevent4j.monitor.thresholdMillis}</td><td>{@code GEVENT4J_MONITOR_THRESHOLD_MILLIS}</td>
 *       <td>{@code 100}</td><td>How long a hub may run one greenlet or callback without returning to its loop
 *       before the monitor reports it (gevent's {@code max_blocking_time}). 1 to 600,000.</td></tr>
 *   <tr><td>{@code gevent4j.monitor.pinned}</td><td>{@code GEVENT4J_MONITOR_PINNED}</td><td>{@code false}</td>
 *       <td>Also report greenlets pinned by the JDK (JFR {@code jdk.VirtualThreadPinned}, from an in-process JFR
 *       stream, which costs a JFR recording: off by default). true or false.</td></tr>
 *   <tr><td>{@code gevent4j.jmx}</td><td>{@code GEVENT4J_JMX}</td><td>{@code true}</td>
 *       <td>Register the {@code dev.gevent4j:type=Gevent} and {@code dev.gevent4j:type=Hub,name=...} MBeans.
 *       true, false, or lazy: registered by a short-lived background thread instead of during the hub's start
 *       (creating the platform MBean server costs the first hub about 200 ms of CPU; the agent uses lazy for the hub
 *       it starts for {@code main}, unless this is set).</td></tr>
 *   <tr><td>{@code gevent4j.agent.cache}</td><td>{@code GEVENT4J_AGENT_CACHE}</td>
 *       <td>{@code ${XDG_CACHE_HOME:-~/.cache}/gevent4j}</td><td>Read by the agent at JVM start, not per hub: the
 *       directory where it keeps its extracted boot jar and the JDK classes it patched, so that later JVMs skip
 *       that work (docs/agent.md); {@code false} turns it off. Used only if owned by the user and writable by no
 *       one else.</td></tr>
 *   <tr><td>{@code gevent4j.agent.timing}</td><td>-</td><td>{@code false}</td>
 *       <td>Read by the agent at JVM start: print how long each step of its start-up took. true or false.</td></tr>
 * </table>
 *
 * <p>An invalid value is an {@link IllegalArgumentException} naming the key, the value and what is allowed.
 */
public final class Config {
    public static final String LOOP = "gevent4j.loop";
    public static final String HUB_BATCH = "gevent4j.hub.batch";
    public static final String HUB_CLOSE_GRACE_MILLIS = "gevent4j.hub.closeGraceMillis";
    public static final String MONITOR = "gevent4j.monitor";
    public static final String MONITOR_THRESHOLD_MILLIS = "gevent4j.monitor.thresholdMillis";
    public static final String MONITOR_PINNED = "gevent4j.monitor.pinned";
    public static final String JMX = "gevent4j.jmx";
    /** Read by the agent (dev.gevent4j.internal.agent.AgentCache), not by a hub. */
    public static final String AGENT_CACHE = "gevent4j.agent.cache";
    /** Read by the agent (dev.gevent4j.internal.agent.StartupTiming), not by a hub. */
    public static final String AGENT_TIMING = "gevent4j.agent.timing";

    public static final String THREADPOOL_SIZE = "gevent4j.threadpool.size";
    public static final String SUBPROCESS_MAX_OUTPUT_BYTES = "gevent4j.subprocess.maxOutputBytes";

    private Config() {}

    static int threadPoolSize() {
        return intValue(THREADPOOL_SIZE, 10, 1, 10_000);
    }

    /** {@value #SUBPROCESS_MAX_OUTPUT_BYTES}: read on each call. */
    public static int subprocessMaxOutputBytes() {
        return intValue(SUBPROCESS_MAX_OUTPUT_BYTES, 64 << 20, 1, Integer.MAX_VALUE);
    }

    static String loop() {
        String v = raw(LOOP, "auto");
        if (!v.equals("auto") && !v.equals("epoll") && !v.equals("nio")) {
            throw new IllegalArgumentException(LOOP + "=" + v + " is not valid: use auto, epoll or nio");
        }
        return v;
    }

    static int hubBatch() {
        return intValue(HUB_BATCH, 1024, 1, 1_000_000);
    }

    static long closeGraceMillis() {
        return intValue(HUB_CLOSE_GRACE_MILLIS, 2000, 0, 3_600_000);
    }

    static boolean monitor() {
        return bool(MONITOR, true);
    }

    static long monitorThresholdMillis() {
        return intValue(MONITOR_THRESHOLD_MILLIS, 100, 1, 600_000);
    }

    static boolean monitorPinned() {
        return bool(MONITOR_PINNED, false);
    }

    static boolean jmx() {
        return !jmxMode().equals("false");
    }

    /** {@value #JMX}: "true", "false" or "lazy" (registered by a background thread, not by the hub's start). */
    static String jmxMode() {
        String v = raw(JMX, "true").trim();
        for (String mode : new String[] {"true", "false", "lazy"}) {
            if (v.equalsIgnoreCase(mode)) {
                return mode;
            }
        }
        throw new IllegalArgumentException(JMX + "=" + v + " is not valid: use true, false or lazy");
    }

    private static boolean bool(String key, boolean dflt) {
        String v = raw(key, Boolean.toString(dflt));
        if (v.equalsIgnoreCase("true")) {
            return true;
        }
        if (v.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException(key + "=" + v + " is not valid: use true or false");
    }

    private static int intValue(String key, int dflt, int min, int max) {
        String v = raw(key, Integer.toString(dflt));
        try {
            int i = Integer.parseInt(v.trim());
            if (i >= min && i <= max) {
                return i;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(key + "=" + v + " is not valid: use a whole number from " + min + " to " + max);
    }

    private static String raw(String key, String dflt) {
        String v = System.getProperty(key);
        if (v == null) {
            v = System.getenv(key.replace('.', '_').replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase());
        }
        return v == null ? dflt : v.trim();
    }
}
