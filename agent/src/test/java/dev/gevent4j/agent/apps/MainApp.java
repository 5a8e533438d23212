package dev.gevent4j.agent.apps;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * What an application's {@code main} may rely on, printed line by line; the first argument picks how it ends:
 * {@code return}, {@code throw} (an uncaught exception) or {@code exit} ({@code System.exit(3)} with a shutdown
 * hook). No gevent4j import.
 */
public final class MainApp {
    private MainApp() {}

    public static void main(String[] args) throws Exception {
        Thread me = Thread.currentThread();
        System.out.println("main: name=" + me.getName() + " virtual=" + me.isVirtual() + " daemon=" + me.isDaemon());
        Thread child = new Thread(() -> { });
        System.out.println("a thread main creates is a daemon: " + child.isDaemon());
        // main's own blocking calls: an accept() that a thread main started connects to, and a sleep
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread client = new Thread(() -> {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                    s.getOutputStream().write(42);
                } catch (Exception e) {
                    System.out.println("client failed: " + e);
                }
            });
            client.start();
            try (Socket s = server.accept()) {
                System.out.println("accepted, read " + s.getInputStream().read());
            }
            client.join();
        }
        Thread.sleep(10);
        String how = args.length > 0 ? args[0] : "return";
        switch (how) {
            case "throw" -> throw new IllegalStateException("boom from main");
            case "exit" -> {
                Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("shutdown hook ran")));
                System.exit(3);
            }
            default -> {
                new Thread(() -> {
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        return;
                    }
                    System.out.println("non-daemon thread outlived main");
                }).start();
                System.out.println("main returns");
            }
        }
    }
}
