package dev.gevent4j.agent.apps;

/** Prints which class loader loaded the gevent4j runtime and Netty (null: the bootstrap loader). */
public final class WhichLoader {
    public static void main(String[] args) {
        System.out.println("Hub " + dev.gevent4j.Hub.class.getClassLoader());
        System.out.println("Netty " + io.netty.channel.ManualIoEventLoop.class.getClassLoader());
        System.out.println("Monkey.isAgentAttached " + dev.gevent4j.Monkey.isAgentAttached());
        System.out.println("ran " + dev.gevent4j.Gevent.run(() -> "in a greenlet"));
    }
}
