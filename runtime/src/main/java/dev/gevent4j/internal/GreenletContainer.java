package dev.gevent4j.internal;

import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import jdk.internal.vm.ThreadContainer;
import jdk.internal.vm.ThreadContainers;

/**
 * The JDK thread container of one hub's greenlets: their virtual threads start in it rather than in the JDK's root
 * container.
 *
 * <pre>{@code
 * Object c = JdkAccess.newGreenletContainer("gevent4j hub main", liveThreads, liveCount);
 * JdkAccess.start(thread, c);    // instead of thread.start()
 * }</pre>
 *
 * <p>Why: the root container records every started virtual thread in a {@code ConcurrentHashMap} (when
 * {@code jdk.trackAllThreads} is on, the JDK's default), a 32-byte node per greenlet and two contended updates of one
 * map per spawn, from every hub. A hub already keeps its live greenlets in its own list, so this container asks the
 * hub instead: JDK thread dumps ({@code jcmd <pid> Thread.dump_to_file}, {@code HotSpotDiagnosticMXBean.dumpThreads})
 * still list every live greenlet, grouped under their hub's name. See benchmarks/RESULTS.md, "The per-greenlet
 * footprint".
 *
 * <p>It is registered with the JDK's container registry (weakly) when created and removed by {@link #close}. Nothing
 * here blocks or throws into a greenlet: {@code onStart}/{@code onExit} are the JDK's no-op defaults.
 */
public final class GreenletContainer extends ThreadContainer {
    private final String name;
    private final Supplier<Stream<Thread>> threads;
    private final LongSupplier count;
    private final Object key;

    private GreenletContainer(String name, Supplier<Stream<Thread>> threads, LongSupplier count) {
        super(true);
        this.name = name;
        this.threads = threads;
        this.count = count;
        this.key = ThreadContainers.registerContainer(this);
    }

    /**
     * Creates and registers a container. Typed {@code Object} for callers, so that verifying them never loads this
     * class: it may only load once {@link JdkAccess} has exported {@code jdk.internal.vm} to gevent4j.
     */
    static Object create(String name, Supplier<Stream<Thread>> threads, LongSupplier count) {
        return new GreenletContainer(name, threads, count);
    }

    static void start(Thread t, Object container, jdk.internal.access.JavaLangAccess jla) {
        jla.start(t, (GreenletContainer) container);
    }

    /** Removes the container from the JDK's registry (the hub ended). Any thread; idempotent. */
    static void close(Object container) {
        ThreadContainers.deregisterContainer(((GreenletContainer) container).key);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Stream<Thread> threads() {
        return threads.get();
    }

    @Override
    public long threadCount() {
        return count.getAsLong();
    }
}
