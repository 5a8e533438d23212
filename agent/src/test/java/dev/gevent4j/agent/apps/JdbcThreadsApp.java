package dev.gevent4j.agent.apps;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A thread-per-query JDBC app that knows nothing of gevent4j: N plain threads, each on its own connection, run
 * {@code SELECT pg_sleep(S)} together. Prints how many ran on virtual threads, the wall time of the queries and
 * the peak of live platform threads. The server comes from -Dgevent4j.pg.url/user/password.
 *
 * <pre>{@code
 * java -javaagent:gevent4j-agent.jar -Dgevent4j.pg.url=jdbc:postgresql://127.0.0.1:5432/postgres \
 *      -Dgevent4j.pg.user=postgres -Dgevent4j.pg.password= -cp ... JdbcThreadsApp 90 0.5
 * }</pre>
 */
public final class JdbcThreadsApp {
    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        String sleep = args[1];
        String url = System.getProperty("gevent4j.pg.url");
        String user = System.getProperty("gevent4j.pg.user");
        String password = System.getProperty("gevent4j.pg.password");
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        AtomicInteger virtual = new AtomicInteger();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch connected = new CountDownLatch(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Thread t = new Thread(() -> {
                try (Connection c = DriverManager.getConnection(url, user, password);
                     Statement st = c.createStatement()) {
                    connected.countDown();
                    go.await();
                    try (ResultSet rs = st.executeQuery("SELECT pg_sleep(" + sleep + "), 'ok'")) {
                        rs.next();
                        if (!"ok".equals(rs.getString(2))) {
                            failures.add("unexpected row " + rs.getString(2));
                        }
                    }
                    if (Thread.currentThread().isVirtual()) {
                        virtual.incrementAndGet();
                    }
                } catch (Exception e) {
                    failures.add(e.toString());
                    connected.countDown();
                }
            }, "query-" + i);
            t.start();
            threads.add(t);
        }
        connected.await();
        mx.resetPeakThreadCount();
        long t0 = System.nanoTime();
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.println("failures " + failures);
        System.out.println("virtual " + virtual.get());
        System.out.printf("seconds %.3f%n", seconds);
        System.out.println("peak platform threads " + mx.getPeakThreadCount());
    }
}
