package dev.gevent4j.agent.apps;

import com.sun.net.httpserver.HttpServer;
import dev.gevent4j.agent.apps.shaded.io.netty.util.concurrent.FastThreadLocalThread;
import dev.gevent4j.agent.apps.shaded.io.netty.util.concurrent.ThreadPerTaskExecutor;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Which of an application's thread starts become greenlets under the agent (threads=true): prints one line
 * "&lt;case&gt; virtual=&lt;true|false&gt;" per case. Run it with {@code platformThreads=native-loop-*|*.NativeLoopThread}.
 */
public final class ThreadKindsApp {
    /** Named by the platformThreads option's class pattern. */
    static final class NativeLoopThread extends Thread {
        NativeLoopThread(Runnable r) {
            super(r, "loop");
        }
    }

    public static void main(String[] args) throws Exception {
        // 1. The JDK HttpServer: its dispatcher thread (started by the application) starts the pool's workers from
        //    JDK code alone. Those are application threads too.
        ExecutorService httpPool = Executors.newFixedThreadPool(4);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(httpPool);
        server.createContext("/", ex -> {
            byte[] body = ("" + Thread.currentThread().isVirtual()).getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(body);
            }
        });
        server.start();
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getAddress().getPort())) {
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            BufferedReader r = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            String line;
            String last = null;
            while ((line = r.readLine()) != null) {
                last = line;
            }
            System.out.println("jdk-httpserver-worker virtual=" + last);
        }
        server.stop(0);
        httpPool.shutdown();

        // 2. A pool whose workers are started by JDK code (prestartAllCoreThreads through a method reference) run
        //    by an application thread.
        ThreadPoolExecutor pool = new ThreadPoolExecutor(2, 2, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
        Thread starter = new Thread(pool::prestartAllCoreThreads, "starter");
        starter.start();
        starter.join();
        Future<Boolean> f = pool.submit(() -> Thread.currentThread().isVirtual());
        System.out.println("jdk-started-in-application-thread virtual=" + f.get());
        pool.shutdown();

        // 3. Netty's thread class and Netty code starting plain threads, relocated: platform threads.
        run(new FastThreadLocalThread(null, "x") {
            @Override
            public void run() {
                print("shaded-netty-thread-class");
            }
        });
        ThreadPerTaskExecutor.start(() -> print("started-by-shaded-netty"), "y").join();

        // 4. The platformThreads option: by name, by class; anything else stays a greenlet.
        run(new Thread(() -> print("named-by-option"), "native-loop-1"));
        run(new NativeLoopThread(() -> print("class-by-option")));
        run(new Thread(() -> print("not-named"), "worker-1"));
    }

    private static void run(Thread t) throws InterruptedException {
        t.start();
        t.join();
    }

    private static void print(String what) {
        System.out.println(what + " virtual=" + Thread.currentThread().isVirtual());
    }
}
