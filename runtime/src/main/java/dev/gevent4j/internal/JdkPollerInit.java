package dev.gevent4j.internal;

/**
 * Makes sure the JDK's socket poller ({@code sun.nio.ch.Poller}) is initialized by a platform thread, before any
 * greenlet can touch a socket. Not API.
 *
 * <p>Why: in its default mode on Linux the poller starts its sub-poller threads with {@code Thread.ofVirtual()}, and
 * a virtual thread created by another virtual thread inherits that one's scheduler. If the first socket operation
 * of the JVM ran in a greenlet, the JDK's sub-pollers would become greenlets of that hub: they would run on its
 * thread, and once that hub closed, no virtual thread of the JVM would ever be woken for socket IO again.
 */
public final class JdkPollerInit {
    private static volatile boolean done;

    private JdkPollerInit() {}

    /** Initializes {@code sun.nio.ch.Poller} on a new platform thread, once. Any thread. */
    public static void ensure() {
        if (done) {
            return;
        }
        synchronized (JdkPollerInit.class) {
            if (done) {
                return;
            }
            Thread t = Thread.ofPlatform().daemon(true).name("gevent4j-poller-init").start(() -> {
                try {
                    Class.forName("sun.nio.ch.Poller", true, null);
                } catch (ClassNotFoundException | LinkageError e) {
                    System.getLogger("dev.gevent4j").log(System.Logger.Level.WARNING,
                            "could not initialize the JDK socket poller early: " + e);
                }
            });
            boolean interrupted = false;
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            done = true;
        }
    }
}
