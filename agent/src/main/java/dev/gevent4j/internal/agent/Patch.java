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
public record Patch(String option, String className, String method, String descriptor, Class<?> advice, String why,
                    String tag) {
    /** A patch that is its method's only one (no tag). */
    public Patch(String option, String className, String method, String descriptor, Class<?> advice, String why) {
        this(option, className, method, descriptor, advice, why, "");
    }

    /**
     * The id used by {@link dev.gevent4j.Monkey}: {@code class#method(descriptor)}, followed by {@code " [tag]"} for a
     * patch that shares its method with another one (say the {@code System.nanoTime} substitution of a method that
     * also carries a kill advice).
     */
    public String id() {
        String id = className + "#" + method + descriptor;
        return tag.isEmpty() ? id : id + " [" + tag + "]";
    }
}
