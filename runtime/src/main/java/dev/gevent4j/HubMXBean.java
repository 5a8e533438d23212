package dev.gevent4j;

/**
 * A hub's metrics, registered with the platform MBean server as {@code dev.gevent4j:type=Hub,name=<thread name>}
 * while the hub is open (setting {@code gevent4j.jmx}). Values are read without synchronizing with the hub, so
 * each is a recent, not an exact, figure.
 */
public interface HubMXBean {
    /** The hub's thread name. */
    String getName();

    /** {@code epoll} or {@code nio}. */
    String getIoType();

    /** Greenlets and callbacks waiting to run. */
    int getRunQueueLength();

    /** Greenlets started and not yet ended. */
    int getGreenletsAlive();

    /** Passes of the hub's loop since it started. */
    long getLoopIterations();

    /** Greenlet continuations, callbacks and timers run since the hub started. */
    long getEntriesRun();

    /** The longest time the monitor saw the hub not return to its loop, in milliseconds. */
    long getLongestStallMillis();

    /** Stalls the monitor reported (each longer than {@code gevent4j.monitor.thresholdMillis}). */
    long getStalls();

    /** IO registrations on the hub's loop. */
    int getIoRegistrations();

    /** Timers pending on the hub. */
    int getPendingTimers();

    /** This hub's part of {@link Gevent#dump()}. */
    String dump();
}
