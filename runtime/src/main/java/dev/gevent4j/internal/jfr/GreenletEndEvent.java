package dev.gevent4j.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** JFR event: a greenlet ended (committed by the ending greenlet). Off by default: enable it by name. */
@Name("dev.gevent4j.GreenletEnd")
@Label("Greenlet End")
@Category({"gevent4j", "Greenlets"})
@Description("A greenlet ended: with a value, an exception, or killed")
@Enabled(false)
@StackTrace(false)
public final class GreenletEndEvent extends Event {
    @Label("Hub")
    public String hub;

    @Label("Greenlet")
    public String greenlet;

    @Label("Greenlet Id")
    public long greenletId;

    @Label("Successful")
    public boolean successful;

    @Label("Exception")
    public String exception;
}
