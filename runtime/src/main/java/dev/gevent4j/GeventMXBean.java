package dev.gevent4j;

/**
 * Process-wide gevent4j operations for a running JVM, registered as {@code dev.gevent4j:type=Gevent} when the
 * first hub starts (setting {@code gevent4j.jmx}): call {@link #dump()} from jconsole, VisualVM or any JMX client
 * to see every hub and greenlet without changing the code.
 */
public interface GeventMXBean {
    /** {@link Gevent#dump()}: every hub and every greenlet with its state, what it waits on, parent and stack. */
    String dump();

    /** The names of the open hubs. */
    String[] getHubs();
}
