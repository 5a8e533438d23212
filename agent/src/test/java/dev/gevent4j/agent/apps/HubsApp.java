package dev.gevent4j.agent.apps;

import dev.gevent4j.Hub;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Plain thread code for the agent's {@code hubs=N} (HubsTest): 16 threads alive at once report their hub, then a
 * server thread and a client thread echo a line over a socket (with hubs=2 they are on different hubs).
 */
public final class HubsApp {
    private HubsApp() {}

    public static void main(String[] args) throws Exception {
        int n = 16;
        Set<String> hubs = ConcurrentHashMap.newKeySet();
        AtomicInteger inGroup = new AtomicInteger();
        AtomicInteger virtual = new AtomicInteger();
        CountDownLatch allIn = new CountDownLatch(n);
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Thread t = new Thread(() -> {
                Hub h = Hub.current();
                hubs.add(h == null ? "none" : h.getName());
                if (h != null && h.group() != null) {
                    inGroup.incrementAndGet();
                }
                if (Thread.currentThread().isVirtual()) {
                    virtual.incrementAndGet();
                }
                allIn.countDown();
                try {
                    allIn.await(); // all 16 alive at once: least-loaded placement spreads them
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "worker-" + i);
            t.start();
            ts.add(t);
        }
        for (Thread t : ts) {
            t.join();
        }
        System.out.println("threads on virtual threads: " + virtual.get());
        System.out.println("hubs used: " + hubs.size());
        System.out.println("in the agent's hub group: " + inGroup.get());

        AtomicReference<String> serverHub = new AtomicReference<>();
        AtomicReference<String> clientHub = new AtomicReference<>();
        AtomicReference<String> echoed = new AtomicReference<>();
        try (ServerSocket ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> {
                Hub h = Hub.current();
                serverHub.set(h == null ? "none" : h.getName());
                try (Socket s = ss.accept()) {
                    InputStream in = s.getInputStream();
                    OutputStream out = s.getOutputStream();
                    int b;
                    while ((b = in.read()) != -1) {
                        out.write(b);
                    }
                } catch (Exception e) {
                    echoed.set("server failed: " + e);
                }
            });
            server.start();
            Thread client = new Thread(() -> {
                Hub h = Hub.current();
                clientHub.set(h == null ? "none" : h.getName());
                try (Socket c = new Socket(InetAddress.getLoopbackAddress(), ss.getLocalPort())) {
                    c.getOutputStream().write("hello".getBytes());
                    c.shutdownOutput();
                    echoed.compareAndSet(null, new String(c.getInputStream().readAllBytes()));
                } catch (Exception e) {
                    echoed.set("client failed: " + e);
                }
            });
            client.start();
            client.join();
            server.join();
        }
        System.out.println("echo: " + echoed.get());
        System.out.println("server and client on different hubs: " + !serverHub.get().equals(clientHub.get()));
        System.out.println("main ends");
    }
}
