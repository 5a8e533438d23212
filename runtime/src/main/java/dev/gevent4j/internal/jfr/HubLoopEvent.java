package dev.gevent4j.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * JFR event: one pass of a hub's loop over its ready queue (the latency every runnable greenlet waits at most),
 * recorded when a pass takes {@link #THRESHOLD_NANOS 10 ms} or more.
 *
 * <p>Not a JFR duration event: a pass runs greenlet continuations, which mount and unmount virtual threads on the
 * hub's thread, and JFR drops a duration event whose begin and commit straddle such mounts (seen on JDK 25). The
 * hub measures the pass itself, and the monitor thread commits this instant event with the duration in
 * {@link #passDuration} (events committed on the hub thread itself are lost the same way).
 */
@Name("dev.gevent4j.HubLoop")
@Label("Hub Loop Pass")
@Category({"gevent4j", "Hub"})
@Description("A pass of the hub's loop running its ready greenlets and callbacks")
@StackTrace(false)
public final class HubLoopEvent extends Event {
    @Label("Hub")
    public String hub;

    /** Passes shorter than this are not recorded. */
    public static final long THRESHOLD_NANOS = 10_000_000;

    @Label("Entries Run")
    public int entries;

    @Label("Pass Duration")
    @Timespan(Timespan.NANOSECONDS)
    public long passDuration;
}
