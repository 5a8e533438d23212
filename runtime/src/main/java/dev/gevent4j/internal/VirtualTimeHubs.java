package dev.gevent4j.internal;

/**
 * Whether a hub on virtual time was ever created in this JVM: the agent's {@code System.nanoTime()} replacement in
 * the timed java.util.concurrent waits asks this first, so that a JVM without such a hub (virtual threads of the
 * JDK's scheduler included) never loads the runtime's other classes there. A class with no dependencies and no
 * static initialiser of its own. Not API.
 *
 * <pre>{@code
 * if (VirtualTimeHubs.created && Thread.currentThread().isVirtual()) { ... Hub.current() ... }
 * }</pre>
 */
public final class VirtualTimeHubs {
    /**
     * Set (never cleared) when the first virtual-time hub is created; any thread reads it. Set from anywhere else it
     * only sends the agent's clock down its slower, still exact path.
     */
    public static volatile boolean created;

    private VirtualTimeHubs() {}
}
