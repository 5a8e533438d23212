package dev.gevent4j.agent.apps.shaded.io.netty.util.concurrent;

/** Stands for Netty's thread class as a library relocates it (gRPC: io.grpc.netty.shaded.io.netty...). */
public class FastThreadLocalThread extends Thread {
    public FastThreadLocalThread(Runnable r, String name) {
        super(r, name);
    }
}
