package dev.gevent4j.internal.agent;

/**
 * One patched JDK method: which agent option turns it on, the class and method (by JVM descriptor, so an overload
 * added or changed by a JDK update is noticed), the advice inlined into it, and why.
 *
 * <pre>{@code
 * new Patch("sleep", "java.lang.VirtualThread", "schedule",
 *           "(Ljava/lang/Runnable;JLjava/util/concurrent/TimeUnit;)Ljava/util/concurrent/Future;",
 *           ScheduleAdvice.class, "timed parks of greenlets use the hub's timers");
 * }</pre>
 */
public record Patch(String option, String className, String method, String descriptor, Class<?> advice, String why) {
    /** The id used by {@link dev.gevent4j.Monkey}: {@code class#method(descriptor)}. */
    public String id() {
        return className + "#" + method + descriptor;
    }
}
