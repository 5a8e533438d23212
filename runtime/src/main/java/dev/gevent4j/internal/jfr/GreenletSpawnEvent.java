package dev.gevent4j.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** JFR event: a greenlet was started (committed on the spawning thread). Off by default: enable it by name. */
@Name("dev.gevent4j.GreenletSpawn")
@Label("Greenlet Spawn")
@Category({"gevent4j", "Greenlets"})
@Description("A greenlet was started on a hub")
@Enabled(false)
@StackTrace(false)
public final class GreenletSpawnEvent extends Event {
    @Label("Hub")
    public String hub;

    @Label("Greenlet")
    public String greenlet;

    @Label("Greenlet Id")
    public long greenletId;
}
