package dev.gevent4j.bench.macro;

import dev.gevent4j.Gevent;
import dev.gevent4j.Greenlet;
import dev.gevent4j.Hub;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Workload 8 (blocking-client fan-out), one contender per JVM: N tasks each run {@code SELECT pg_sleep(S)} on a
 * pgjdbc connection of their own (the pool of 10 threads: one connection per thread); prints the wall time of
 * the whole fan-out. The connections are opened before the timed part (their SCRAM authentication is CPU work,
 * not the blocking IO this workload is about).
 *
 * <pre>{@code
 * java <gevent4j flags> -cp benchmarks.jar dev.gevent4j.bench.macro.PgFanOut vt 90 0.2 jdbc:postgresql://127.0.0.1/postgres user pw
 * }</pre>
 *
 * <p>Contenders: {@code gevent4j} (a greenlet per task on one hub), {@code vt} (a virtual thread per task),
 * {@code threads} (a platform thread per task; under {@code -javaagent} the agent makes them greenlets),
 * {@code pool10} (a fixed pool of 10 platform threads). One warm-up round of up to 10 tasks runs first. Timeout: pgjdbc's socket timeout is 30 s; nothing is killed or interrupted.
 */
public final class PgFanOut {
    private PgFanOut() {}

    public static void main(String[] args) throws Exception {
        String who = args[0];
        int n = Integer.parseInt(args[1]);
        String sleep = args[2];
        String url = args[3] + (args[3].contains("?") ? "&" : "?") + "socketTimeout=30&connectTimeout=10";
        String user = args[4];
        String pw = args[5];
        double seconds = Double.parseDouble(sleep);
        // Connections are opened first, untimed: their authentication (SCRAM, CPU-bound) is not the workload.
        int conns = who.equals("pool10") ? 10 : n;
        java.util.concurrent.BlockingQueue<Connection> pool = new java.util.concurrent.LinkedBlockingQueue<>();
        for (int i = 0; i < conns; i++) {
            pool.add(connect(url, user, pw));
        }
        Runnable task = () -> {
            Connection c = pool.poll();
            if (c == null) {
                throw new IllegalStateException("no free connection: more concurrent tasks than connections");
            }
            try (PreparedStatement st = c.prepareStatement("SELECT pg_sleep(" + seconds + ")");
                 ResultSet rs = st.executeQuery()) {
                rs.next();
            } catch (Exception e) {
                throw new IllegalStateException("query failed: " + e, e);
            } finally {
                pool.add(c);
            }
        };
        fanOut(who, Math.min(10, conns), task); // warm-up: class loading, the driver's statement path
        long t0 = System.nanoTime();
        fanOut(who, n, task);
        System.out.println("RESULT wall_s " + (System.nanoTime() - t0) / 1e9);
        for (Connection c : pool) {
            c.close();
        }
        System.exit(0);
    }

    /** Opens a connection; while the server has no free slot (SQLState 53300), retries for up to 10 s. */
    private static Connection connect(String url, String user, String pw) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return DriverManager.getConnection(url, user, pw);
            } catch (java.sql.SQLException e) {
                if (!"53300".equals(e.getSQLState()) || attempt >= 10) {
                    throw e;
                }
                System.err.println("PostgreSQL has no free connection slot (another client?): retrying in 1 s");
                Thread.sleep(1000);
            }
        }
    }

    private static void fanOut(String who, int n, Runnable task) throws Exception {
        switch (who) {
            case "gevent4j" -> {
                Hub hub = Hub.getDefault();
                Greenlet<Integer> root = hub.spawn(() -> {
                    List<Greenlet<?>> gs = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        gs.add(Gevent.spawn(task));
                    }
                    Gevent.joinAllOrRaise(gs);
                    return gs.size();
                });
                root.get();
            }
            case "vt", "threads" -> {
                Thread.Builder b = who.equals("vt") ? Thread.ofVirtual() : Thread.ofPlatform();
                List<Thread> ts = new ArrayList<>(n);
                List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
                for (int i = 0; i < n; i++) {
                    Thread t = b.unstarted(task);
                    t.setUncaughtExceptionHandler((th, e) -> errors.add(e));
                    t.start();
                    ts.add(t);
                }
                for (Thread t : ts) {
                    t.join();
                }
                if (!errors.isEmpty()) {
                    throw new IllegalStateException(errors.size() + " task(s) failed", errors.get(0));
                }
            }
            case "pool10" -> {
                ExecutorService pool = Executors.newFixedThreadPool(10);
                try {
                    List<Future<?>> fs = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        fs.add(pool.submit(task));
                    }
                    for (Future<?> f : fs) {
                        f.get();
                    }
                } finally {
                    pool.shutdown();
                }
            }
            default -> throw new IllegalArgumentException("unknown contender " + who
                    + ": use gevent4j, vt, threads or pool10");
        }
    }
}
