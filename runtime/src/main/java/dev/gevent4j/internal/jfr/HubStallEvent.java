package dev.gevent4j.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** JFR event: a hub did not return to its loop for longer than the monitor's threshold (one per stall). */
@Name("dev.gevent4j.HubStall")
@Label("Hub Stall")
@Category({"gevent4j", "Hub"})
@Description("A hub was stuck running one greenlet or callback for longer than gevent4j.monitor.thresholdMillis")
@StackTrace(false)
public final class HubStallEvent extends Event {
    @Label("Hub")
    public String hub;

    @Label("Greenlet")
    public String greenlet;

    @Label("Stalled For")
    @Timespan(Timespan.MILLISECONDS)
    public long stalledMillis;

    @Label("Stack")
    @Description("The stack of the running greenlet (or the hub thread) when the stall was seen")
    public String stack;
}
