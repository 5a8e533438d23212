package dev.gevent4j.agent.apps;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

/**
 * An app that never calls gevent4j and starts no threads of its own: sleeps, parks, a loopback socket round trip
 * on the main thread, a file, a DNS lookup of localhost and a virtual thread on the JDK's scheduler. Its output must
 * be the same with and without the agent.
 */
public final class PlainApp {
    public static void main(String[] args) throws Exception {
        System.out.println("start");
        Thread.sleep(20);
        LockSupport.parkNanos(1_000_000);
        try (ServerSocket ss = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             Socket c = new Socket(InetAddress.getLoopbackAddress(), ss.getLocalPort());
             Socket s = ss.accept()) {
            OutputStream out = c.getOutputStream();
            out.write("ping".getBytes());
            InputStream in = s.getInputStream();
            System.out.println("socket read " + new String(in.readNBytes(4)));
        }
        Path f = Files.createTempFile("plain", ".txt");
        Files.writeString(f, "file contents");
        System.out.println("file " + Files.readString(f));
        Files.delete(f);
        System.out.println("localhost is loopback: " + InetAddress.getByName("localhost").isLoopbackAddress());
        Thread vt = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
            System.out.println("virtual thread done");
        });
        vt.join();
        System.out.println("end");
    }
}
