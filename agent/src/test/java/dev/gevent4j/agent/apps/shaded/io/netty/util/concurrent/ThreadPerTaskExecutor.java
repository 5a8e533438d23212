package dev.gevent4j.agent.apps.shaded.io.netty.util.concurrent;

/** Stands for relocated Netty code that starts plain Thread objects (its event loops' executor). */
public final class ThreadPerTaskExecutor {
    private ThreadPerTaskExecutor() {}

    public static Thread start(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.start();
        return t;
    }
}
