package dev.gevent4j.internal.agent.hooks;

import dev.gevent4j.Greenlet;
import dev.gevent4j.GreenletExit;
import dev.gevent4j.HubGroup;
import dev.gevent4j.internal.Internals;
import dev.gevent4j.internal.MonkeyState;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code threads=true}: an application's {@code Thread.start()} runs the thread's {@code run()} as a greenlet on
 * the starter's hub (the default hub outside any greenlet) instead of starting a platform thread. With the option
 * {@code hubs=N} (N > 1) it runs instead on one hub of the agent's {@link HubGroup} of N hubs, the least-loaded one,
 * whoever the starter is: application threads are independent work, so they spread over every core. The Thread object
 * stays the application's handle: {@code isAlive}, {@code join}, {@code getState}, {@code interrupt} and
 * {@code getName} answer for the greenlet.
 *
 * <pre>{@code
 * Thread t = new Thread(() -> serve(socket));   // application code, unchanged
 * t.start();                                    // a greenlet on the hub under the agent
 * t.join();                                     // waits for that greenlet
 * }</pre>
 *
 * <p>Which threads: plain {@code java.lang.Thread} objects and application subclasses, started (directly or through
 * a java.util.concurrent pool) by application code. Threads of JDK subclasses (InnocuousThread, ForkJoinWorkerThread,
 * java.util.Timer's thread, ...), threads started by JDK code alone, and threads started by Netty, gevent4j, Maven
 * Surefire or JUnit stay platform threads.
 *
 * <p>Kill: a hub's {@code close()} kills such greenlets like any other; an uncaught exception goes to the Thread's
 * {@code UncaughtExceptionHandler}, as for a real thread. While a non-daemon one is alive, a non-daemon platform
 * thread ("gevent4j-keepalive") keeps the JVM from exiting, as the real thread would.
 */
public final class ThreadGreenlets {
    private static final Map<Thread, Greenlet<?>> LIVE = new ConcurrentHashMap<>();
    private static final Map<Thread, Boolean> ENDED = Collections.synchronizedMap(new WeakHashMap<>());
    /* Callers whose threads stay platform threads (besides the JDK and the boot jar: runtime, Netty, hooks). */
    private static final Set<String> PLATFORM_PREFIXES = Set.of("io.netty.", "dev.gevent4j.internal.",
            "org.apache.maven.surefire.", "org.junit.", "net.bytebuddy.");
    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
    /** Threads this class starts itself, which must stay platform threads. */
    private static final Set<Thread> OWN = ConcurrentHashMap.newKeySet();

    private ThreadGreenlets() {}

    static {
        // for the monitor's stall report: which greenlet runs which application thread
        MonkeyState.convertedThreadLookup(g -> {
            for (Map.Entry<Thread, Greenlet<?>> e : LIVE.entrySet()) {
                if (e.getValue() == g) {
                    return e.getKey();
                }
            }
            return null;
        });
    }

    /** Advice of Thread.start(): true if {@code t} was started as a greenlet (skip the JDK's start). */
    public static boolean start(Thread t) {
        if (t.isVirtual() || OWN.remove(t) || !isApplicationThread(t)) {
            return false;
        }
        synchronized (t) {
            if (LIVE.containsKey(t) || ENDED.containsKey(t) || t.getState() != Thread.State.NEW) {
                throw new IllegalThreadStateException();
            }
            boolean daemon = t.isDaemon();
            if (!daemon) {
                keepAlive(+1);
            }
            Runnable body = () -> runAsThread(t, daemon);
            int hubs = MonkeyState.hubs();
            Greenlet<Void> g = hubs > 1 ? Internals.newGreenletOn(group(hubs), body)
                    : new Greenlet<Void>(body); // caller's hub
            LIVE.put(t, g);
            g.setName(t.getName());
            try {
                Internals.startWithoutHold(g); // runs as soon as the hub reaches it: no hold for the starter
            } catch (RuntimeException e) {
                LIVE.remove(t);
                if (!daemon) {
                    keepAlive(-1);
                }
                throw e;
            }
        }
        return true;
    }

    private static volatile HubGroup group;

    /** The agent's hub group of {@code n} hubs ({@code hubs=N}), created on the first converted thread. */
    private static HubGroup group(int n) {
        HubGroup g = group;
        if (g == null) {
            synchronized (ThreadGreenlets.class) {
                g = group;
                if (g == null) {
                    g = HubGroup.create(n); // its hub threads are started by dev.gevent4j code: platform threads
                    group = g;
                }
            }
        }
        return g;
    }

    /** Inside a greenlet that runs an application thread (or {@code main}): that thread. */
    private static final ThreadLocal<Thread> APPLICATION_THREAD = new ThreadLocal<>();

    /**
     * The application thread that {@code vt} runs as a greenlet, if {@code vt} is the calling thread and one; else
     * null. Advice of {@code Thread.isDaemon()}: {@code new Thread(...)} inherits the creator's daemon status, and a
     * virtual thread is always a daemon, so without this every thread created by a converted thread would be one.
     */
    public static Thread applicationThreadOf(Thread vt) {
        return vt == Thread.currentThread() ? APPLICATION_THREAD.get() : null;
    }

    /** The calling greenlet runs {@code app} (a converted thread, or the JVM's main thread for main=true). */
    static void runningAs(Thread app) {
        APPLICATION_THREAD.set(app);
    }

    private static void runAsThread(Thread t, boolean daemon) {
        try {
            runningAs(t);
            Thread.currentThread().setName(t.getName());
            t.run();
        } catch (GreenletExit killed) {
            // killed (hub closed): a thread that was stopped
        } catch (Throwable e) {
            try {
                t.getUncaughtExceptionHandler().uncaughtException(t, e);
            } catch (Throwable ignored) {
                // as the JVM does: an exception from the handler itself is ignored
            }
        } finally {
            synchronized (t) {
                ENDED.put(t, Boolean.TRUE);
                LIVE.remove(t);
                t.notifyAll(); // Thread.join waits on the Thread's monitor
            }
            if (!daemon) {
                keepAlive(-1);
            }
        }
    }

    /** Advice of Thread.alive(): whether {@code t} runs as a greenlet. */
    public static boolean isAlive(Thread t) {
        return !LIVE.isEmpty() && LIVE.containsKey(t);
    }

    /** Advice of Thread.threadState(): the state of {@code t}'s greenlet, or null if it is not one. */
    public static Thread.State state(Thread t) {
        if (LIVE.isEmpty() && ENDED.isEmpty()) {
            return null;
        }
        Greenlet<?> g = LIVE.get(t);
        if (g != null) {
            Thread vt = g.getThread();
            return vt == null ? Thread.State.RUNNABLE : vt.getState() == Thread.State.NEW ? Thread.State.RUNNABLE
                    : vt.getState() == Thread.State.TERMINATED ? Thread.State.RUNNABLE : vt.getState();
        }
        return ENDED.containsKey(t) ? Thread.State.TERMINATED : null;
    }

    /** Advice of Thread.interrupt(): interrupts {@code t}'s greenlet; true if it is one. */
    public static boolean interrupt(Thread t) {
        if (LIVE.isEmpty()) {
            return false;
        }
        Greenlet<?> g = LIVE.get(t);
        if (g == null) {
            return false;
        }
        Thread vt = g.getThread();
        if (vt != null) {
            vt.interrupt();
        }
        return true;
    }

    /** The greenlet running {@code t}, or null. */
    public static Greenlet<?> greenletOf(Thread t) {
        return LIVE.get(t);
    }

    static boolean isApplicationThread(Thread t) {
        Class<?> c = t.getClass();
        if (c != Thread.class && isJdk(c)) {
            return false; // InnocuousThread, ForkJoinWorkerThread, TimerThread, CarrierThread, ...
        }
        if (ThreadKinds.isNettyThread(c)) {
            return false; // Netty's FastThreadLocalThread in any shading (gRPC's): its loop waits in native epoll
        }
        Class<?> caller = WALKER.walk(frames -> frames
                .dropWhile(f -> f.getDeclaringClass() == ThreadGreenlets.class) // this advice's own frames
                .map(StackWalker.StackFrame::getDeclaringClass)
                .filter(k -> !isJdk(k))
                .findFirst().orElse(null));
        if (ThreadKinds.userPattern(t, caller) != null) {
            return false; // named by the agent option platformThreads
        }
        if (caller == null) {
            return false; // started by the JDK alone
        }
        if ((caller == ThreadGreenlets.class || caller == MainGreenlet.class || caller == Greenlet.class)
                && APPLICATION_THREAD.get() != null) {
            // Only JDK code between the start and the bottom of a converted application thread (or main): the JDK
            // working for the application, e.g. the JDK HttpServer's dispatcher starting its pool's workers.
            return true;
        }
        if (caller.getClassLoader() == null) {
            return false; // gevent4j's runtime or Netty (the boot jar)
        }
        String n = caller.getName();
        if (ThreadKinds.isNettyName(n)) {
            return false; // Netty, relocated by a library (io.grpc.netty.shaded.io.netty...)
        }
        for (String p : PLATFORM_PREFIXES) {
            if (n.startsWith(p)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isJdk(Class<?> c) {
        ClassLoader l = c.getClassLoader();
        if (l == null) {
            String n = c.getName();
            return !n.startsWith("dev.gevent4j.") && !n.startsWith("io.netty."); // the boot jar is not the JDK
        }
        return l == ClassLoader.getPlatformClassLoader();
    }

    /*
     * The keeper: one non-daemon platform thread that exists while converted non-daemon threads are alive, so the JVM
     * does not exit under them. It is started on the first such thread and, once none is left, lingers KEEPER_LINGER
     * before it ends: a server whose connection threads come and go one at a time (each count 0 -> 1 -> 0) would
     * otherwise start a platform thread per connection. Lock-free: a start that races with the keeper's exit either
     * finds it still registered (the keeper then sees the count and stays) or starts a new one.
     */
    private static final java.util.concurrent.atomic.AtomicInteger NON_DAEMON_LIVE =
            new java.util.concurrent.atomic.AtomicInteger();
    private static final java.util.concurrent.atomic.AtomicReference<Thread> KEEPER =
            new java.util.concurrent.atomic.AtomicReference<>();
    private static final long KEEPER_LINGER_NANOS = 50_000_000L;

    private static void keepAlive(int delta) {
        int n = NON_DAEMON_LIVE.addAndGet(delta);
        if (delta > 0) {
            if (KEEPER.get() == null) {
                startKeeper();
            }
        } else if (n == 0) {
            Thread k = KEEPER.get();
            if (k != null) {
                LockSupport.unpark(k);
            }
        }
    }

    private static void startKeeper() {
        Thread keeper = new Thread(ThreadGreenlets::keepJvmAlive, "gevent4j-keepalive");
        keeper.setDaemon(false);
        if (KEEPER.compareAndSet(null, keeper)) {
            OWN.add(keeper);
            keeper.start(); // started from dev.gevent4j code: stays a platform thread
        }
    }

    private static void keepJvmAlive() {
        Thread me = Thread.currentThread();
        while (true) {
            if (NON_DAEMON_LIVE.get() > 0) {
                LockSupport.park(KEEPER); // until the count reaches 0 (or a spurious wake-up: re-check)
                continue;
            }
            LockSupport.parkNanos(KEEPER, KEEPER_LINGER_NANOS);
            if (NON_DAEMON_LIVE.get() > 0) {
                continue;
            }
            KEEPER.set(null);
            if (NON_DAEMON_LIVE.get() > 0 && KEEPER.compareAndSet(null, me)) {
                continue; // a start came in while this keeper was leaving and saw it registered
            }
            return;
        }
    }
}
