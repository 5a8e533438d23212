package dev.gevent4j.internal;

import java.lang.reflect.Constructor;
import java.util.concurrent.Executor;

/**
 * The two JDK internals greenlets are built on: the package-private virtual-thread builder that takes a
 * scheduler ({@code java.lang.ThreadBuilders$VirtualThreadBuilder(Executor)}) and the carrier-thread query
 * ({@code JavaLangAccess.currentCarrierThread()}).
 *
 * <p>Both need java.base to grant access: {@link #REQUIRED_FLAGS} on the command line, or the gevent4j agent,
 * which opens them itself. Without it, {@link #check()} fails with an error naming the flags; gevent4j never falls
 * back to the JDK's default scheduler.
 */
public final class JdkAccess {
    /** The JVM flags that grant what the runtime needs when the agent is not attached. */
    public static final String REQUIRED_FLAGS =
            "--add-opens java.base/java.lang=ALL-UNNAMED --add-exports java.base/jdk.internal.access=ALL-UNNAMED";

    private static final Constructor<?> BUILDER;
    private static final String FAILURE;

    static {
        Module base = Object.class.getModule();
        Module self = JdkAccess.class.getModule();
        Constructor<?> builder = null;
        String failure = null;
        if (!base.isOpen("java.lang", self) || !base.isExported("jdk.internal.access", self)) {
            failure = "gevent4j needs access to JDK internals to schedule greenlets on a hub: start the JVM with "
                    + "-javaagent:gevent4j-agent.jar, or add the JVM flags " + REQUIRED_FLAGS;
        } else {
            try {
                Class<?> c = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
                builder = c.getDeclaredConstructor(Executor.class);
                builder.setAccessible(true);
            } catch (ReflectiveOperationException | RuntimeException e) {
                failure = "gevent4j needs java.lang.ThreadBuilders$VirtualThreadBuilder(Executor), which this JDK ("
                        + Runtime.version() + ") lacks: run on JDK 25 or later (" + e + ")";
            }
        }
        BUILDER = builder;
        FAILURE = failure;
    }

    private JdkAccess() {}

    /** Throws {@link IllegalStateException} naming the missing flag or agent if the runtime cannot work here. */
    public static void check() {
        if (FAILURE != null) {
            throw new IllegalStateException(FAILURE);
        }
    }

    /** A virtual-thread builder whose threads are scheduled by {@code scheduler}. */
    public static Thread.Builder.OfVirtual virtualThreadBuilder(Executor scheduler) {
        check();
        try {
            return (Thread.Builder.OfVirtual) BUILDER.newInstance(scheduler);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create a hub-scheduled virtual-thread builder", e);
        }
    }

    /**
     * The continuation task that a virtual thread hands its scheduler each time it becomes ready (the same object for
     * the thread's life: {@code java.lang.VirtualThread.runContinuation}), or null if this JDK has no such field.
     * Lets a seeded hub tell which greenlet a scheduled task resumes. Only valid after {@link #check()} succeeded.
     */
    public static Runnable runContinuation(Thread virtualThread) {
        java.lang.reflect.Field f = Continuations.FIELD;
        if (f == null || !virtualThread.isVirtual()) {
            return null;
        }
        try {
            return (Runnable) f.get(virtualThread);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** Holder: looked up on first use (seeded hubs only). */
    private static final class Continuations {
        static final java.lang.reflect.Field FIELD = lookup();

        private static java.lang.reflect.Field lookup() {
            try {
                java.lang.reflect.Field f =
                        Class.forName("java.lang.VirtualThread").getDeclaredField("runContinuation");
                f.setAccessible(true);
                return f;
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null;
            }
        }
    }

    /**
     * The platform thread the caller runs on: the caller itself for a platform thread, the carrier for a mounted
     * virtual thread. Only valid after {@link #check()} succeeded.
     */
    public static Thread currentCarrierThread() {
        return Carrier.JLA.currentCarrierThread();
    }

    /**
     * A {@link GreenletContainer} for one hub's greenlet threads (typed Object: see there), or null if java.base will
     * not export {@code jdk.internal.vm} to gevent4j; {@link #start} then uses the JDK's root container. Only valid
     * after {@link #check()} succeeded.
     */
    public static Object newGreenletContainer(String name, java.util.function.Supplier<java.util.stream.Stream<Thread>>
            threads, java.util.function.LongSupplier count) {
        if (!Containers.EXPORTED) {
            return null;
        }
        return GreenletContainer.create(name, threads, count);
    }

    /**
     * Starts a greenlet's virtual thread in {@code container} (from {@link #newGreenletContainer}), or with
     * {@link Thread#start()} if it is null. Same exceptions as {@code Thread.start()}.
     */
    public static void start(Thread t, Object container) {
        if (container == null) {
            t.start();
        } else {
            GreenletContainer.start(t, container, Carrier.JLA);
        }
    }

    /** Deregisters a container from {@link #newGreenletContainer}; null is ignored. Any thread. */
    public static void closeGreenletContainer(Object container) {
        if (container != null) {
            GreenletContainer.close(container);
        }
    }

    /** Holder: exports jdk.internal.vm to gevent4j once, on first use, before GreenletContainer can load. */
    private static final class Containers {
        static final boolean EXPORTED = export();

        private static boolean export() {
            Module base = Object.class.getModule();
            Module self = JdkAccess.class.getModule();
            try {
                if (!base.isExported("jdk.internal.vm", self)) {
                    if (self.isNamed()) {
                        Carrier.JLA.addExports(base, "jdk.internal.vm", self);
                    } else {
                        Carrier.JLA.addExportsToAllUnnamed(base, "jdk.internal.vm");
                    }
                }
                return base.isExported("jdk.internal.vm", self);
            } catch (RuntimeException | LinkageError e) {
                return false;
            }
        }
    }

    /** Holder, so that nothing touches jdk.internal.access before {@link #check()} has vetted the access. */
    private static final class Carrier {
        static final jdk.internal.access.JavaLangAccess JLA = jdk.internal.access.SharedSecrets.getJavaLangAccess();
    }
}
