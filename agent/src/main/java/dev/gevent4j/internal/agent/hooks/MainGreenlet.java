package dev.gevent4j.internal.agent.hooks;

import dev.gevent4j.Greenlet;
import dev.gevent4j.GreenletExit;
import dev.gevent4j.internal.Internals;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Agent option {@code main=true}: the application's {@code main} runs as a greenlet of the default hub (gevent's
 * {@code python -m gevent.monkey app.py}), so its {@code accept()}, sleeps and JDBC calls yield like every other
 * greenlet's and the whole application lives on the hub.
 *
 * <pre>{@code
 * public static void main(String[] args) throws IOException {   // application code, unchanged
 *     ServerSocket server = new ServerSocket(8080);
 *     while (true) new Thread(new Handler(server.accept())).start();   // accept() yields to the hub
 * }
 * }</pre>
 *
 * <p>The JVM's main thread starts the greenlet and waits for it (a plain park, not a hub wait: no LoopExit); what
 * {@code main} returns or throws is what the main thread returns or throws, so the launcher's "Exception in thread
 * main" report and exit status are unchanged. Inside the greenlet {@code Thread.currentThread().getName()} is
 * {@code "main"}; the Thread object is the greenlet's virtual thread, not the JVM's main thread. {@code System.exit}
 * runs the shutdown hooks and exits as usual.
 *
 * <p>Kill: a kill of the main greenlet (the hub closing) ends {@code main} with {@link GreenletExit}; an interrupt of
 * the JVM's main thread while it waits is passed on to the greenlet as an interrupt.
 */
public final class MainGreenlet {
    private static final AtomicBoolean TAKEN = new AtomicBoolean();
    private static volatile Thread launcherThread;

    private MainGreenlet() {}

    /**
     * Enter advice of the main class's static {@code main}: on the JVM's main thread, the first time only, runs
     * {@code main} as a greenlet and returns true (skip the original body); anywhere else returns false.
     */
    public static boolean run(Class<?> mainClass, String methodName, Object[] args) throws Throwable {
        Thread me = Thread.currentThread();
        if (me.isVirtual() || launcherThread != null || !me.getName().equals("main") || !TAKEN.compareAndSet(false, true)) {
            return false;
        }
        launcherThread = me;
        MethodHandle mh;
        MethodType type = args.length == 0 ? MethodType.methodType(void.class)
                : MethodType.methodType(void.class, String[].class);
        try {
            mh = MethodHandles.privateLookupIn(mainClass, MethodHandles.lookup()).findStatic(mainClass, methodName, type);
        } catch (ReflectiveOperationException | IllegalArgumentException e) {
            return false; // not a main we know how to call: run it on the main thread as usual
        }
        CountDownLatch done = new CountDownLatch(1);
        Throwable[] failure = new Throwable[1];
        Greenlet<Void> g = new Greenlet<Void>((Runnable) () -> {
            try {
                ThreadGreenlets.runningAs(me); // threads main creates are non-daemon, as the main thread's are
                Thread.currentThread().setName("main");
                if (args.length == 0) {
                    mh.invoke();
                } else {
                    mh.invoke((String[]) args[0]);
                }
            } catch (Throwable t) {
                failure[0] = t;
            } finally {
                done.countDown();
            }
        });
        g.setName("main");
        Internals.startWithoutHold(g);
        while (true) {
            try {
                done.await();
                break;
            } catch (InterruptedException e) {
                Thread vt = g.getThread();
                if (vt != null) {
                    vt.interrupt(); // the main thread was interrupted: so is the main greenlet
                }
            }
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        return true;
    }

    /** Whether {@code main} runs as a greenlet (agent option {@code main=true} and the main class was found). */
    public static boolean started() {
        return launcherThread != null;
    }
}
