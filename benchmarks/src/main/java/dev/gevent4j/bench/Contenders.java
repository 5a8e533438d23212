package dev.gevent4j.bench;

/**
 * The names of the contenders as RESULTS.md shows them. gevent4j comes first: every ratio is "contender /
 * gevent4j".
 *
 * <pre>{@code
 * Result.of(1, "spawn + join", "ns/task", true, Contenders.VT, 950, "");
 * }</pre>
 *
 * <p>Constants only: no timeout, interrupt or kill applies.
 */
public final class Contenders {
    private Contenders() {}

    public static final String GEVENT4J = "gevent4j";
    public static final String AGENT = "gevent4j + agent";
    public static final String VT = "VT (default scheduler)";
    public static final String VT1 = "VT (1 carrier)";
    public static final String THREADS = "platform threads";
    public static final String NETTY = "Netty epoll (1 loop)";
    /** Workload 11: {@code StreamServer.hubs(HubGroup.create())}, one hub per processor. */
    public static final String GROUP = "gevent4j HubGroup (N hubs)";
    /** Workload 11: the thread-per-connection server under {@code -javaagent:...=hubs=cores}. */
    public static final String AGENT_HUBS = "gevent4j + agent (hubs=N)";
    /**
     * Workload 11: the same server under {@code hubs=2×cores}: more hub threads than cores, so that the OS fills
     * one hub's idle time with another hub thread and the server keeps its share of a busy machine.
     */
    public static final String AGENT_HUBS_2X = "gevent4j + agent (hubs=2N)";
    /** Workload 11: Netty epoll with one event loop per processor. */
    public static final String NETTY_N = "Netty epoll (N loops)";
    public static final String PYTHON = "Python gevent";
}
