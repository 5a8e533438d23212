package dev.gevent4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A bounded, seeded random mix of spawn, sleep, kill, Timeout, cross-hub join, java.util.concurrent queue hand-offs
 * and socket echoes, across two hubs and a platform thread. It must end (no hang, no lost wake-up) with every
 * greenlet accounted for and no greenlet, timer or file descriptor left behind.
 *
 * <p>CI runs {@value #DEFAULT_OPS} operations. The long run is one command:
 * {@code mvn -pl runtime test -Dtest=StressTest -Dgevent4j.stress.ops=1000000 [-Dgevent4j.stress.seed=N]}; a failure
 * prints the seed that reproduces it.
 */
// JUnit's @Timeout, fully qualified: dev.gevent4j.Timeout shares its simple name.
@org.junit.jupiter.api.Timeout(900)
class StressTest {
    static final int DEFAULT_OPS = 20_000;
    private static final int DRIVERS = 4;

    private final AtomicLong put = new AtomicLong();
    private final AtomicLong taken = new AtomicLong();

    private static int openFds() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }

    @Test
    void randomOperationsAcrossTwoHubsAndAPlatformThread() throws Exception {
        int ops = Integer.getInteger("gevent4j.stress.ops", DEFAULT_OPS);
        long seed = Long.getLong("gevent4j.stress.seed", System.nanoTime());
        System.out.println("StressTest: " + ops + " operations, seed " + seed
                + " (rerun with -Dgevent4j.stress.seed=" + seed + ")");
        try {
            run(ops, seed);
        } catch (Throwable t) {
            throw new AssertionError("stress run failed; reproduce with -Dgevent4j.stress.seed=" + seed, t);
        }
    }

    private void run(int ops, long seed) throws Exception {
        warmUpSockets();
        Hub.getDefault(); // the platform-thread driver's Timeouts use the default hub, which stays open
        int fdsBefore = openFds();
        Hub a = Hub.create();
        Hub b = Hub.create();
        Hub[] hubs = {a, b};
        LinkedBlockingQueue<Long> queue = new LinkedBlockingQueue<>(64);
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Greenlet<Object> acceptor = a.spawn(() -> {
            while (true) {
                Socket s = server.accept();
                Gevent.spawn(() -> echo(s));
            }
        });
        Greenlet<Object> consumer = b.spawn(() -> {
            while (true) {
                taken.addAndGet(queue.take());
            }
        });
        try {
            List<Greenlet<?>> drivers = new ArrayList<>();
            for (int i = 0; i < DRIVERS - 1; i++) {
                long s = seed + i;
                drivers.add(hubs[i % 2].spawn(() -> drive(ops / DRIVERS, new Random(s), hubs, queue, server)));
            }
            // the last driver is this platform thread
            drive(ops / DRIVERS, new Random(seed + DRIVERS), hubs, queue, server);
            Gevent.joinAllOrRaise(drivers);
            for (Greenlet<?> d : drivers) {
                assertTrue(d.isSuccessful(), d + ": " + d.exception());
            }
            // every element handed over was received: no lost wake-up in the consumer
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (taken.get() != put.get() && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertEquals(put.get(), taken.get(), "queue hand-offs");
        } finally {
            acceptor.killNowait(new GreenletExit());
            consumer.kill();
            server.close();
            acceptor.join();
        }
        for (Hub h : hubs) {
            Hub.Stats st = h.spawn(() -> Gevent.getHub().snapshotStats()).get();
            assertEquals(0, st.liveGreenlets() - 1, h + ": live greenlets other than the stats probe: " + st.liveGreenlets());
            assertEquals(0, st.timers(), h + ": pending timers");
        }
        a.close();
        b.close();
        assertEquals(fdsBefore, openFds(), "file descriptors after closing the hubs and sockets");
    }

    /** The JDK opens its socket poller's fds on first use by a virtual thread: do that before counting fds. */
    private static void warmUpSockets() throws Exception {
        try (Hub h = Hub.create(); ServerSocket ss = new ServerSocket()) {
            ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Greenlet<Object> g = h.spawn(() -> {
                echo(ss.accept());
                return null;
            });
            h.spawn(() -> {
                echoOnce(ss.getLocalPort(), new byte[] {1});
                return null;
            }).get();
            g.get();
        }
    }

    private Object drive(int n, Random rnd, Hub[] hubs, LinkedBlockingQueue<Long> queue, ServerSocket server)
            throws Exception {
        List<Greenlet<Integer>> pending = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int op = rnd.nextInt(100);
            Hub target = hubs[rnd.nextInt(2)];
            if (op < 30) { // spawn a short greenlet, join it later
                int v = rnd.nextInt(1000);
                int naps = rnd.nextInt(3);
                pending.add(target.spawn(() -> {
                    for (int k = 0; k < naps; k++) {
                        Gevent.sleep(k == 0 ? 0 : 1);
                    }
                    return v;
                }));
                if (pending.size() > 32) {
                    joinAndCheck(pending);
                }
            } else if (op < 40) { // sleep
                Gevent.sleep(rnd.nextInt(2));
            } else if (op < 55) { // kill a blocked greenlet
                Greenlet<Integer> victim = target.spawn(() -> {
                    Gevent.sleep(60_000);
                    return -1;
                });
                if (rnd.nextBoolean()) {
                    Gevent.sleep(0);
                }
                victim.kill();
                assertTrue(victim.isDead());
                assertInstanceOf(GreenletExit.class, victim.value());
            } else if (op < 65) { // a Timeout that fires
                Timeout t = Timeout.start(Duration.ofMillis(1));
                try {
                    Gevent.sleep(30_000); // long, so that a loaded machine cannot make this flaky
                    fail("Timeout did not fire");
                } catch (Timeout e) {
                    assertSame(t, e);
                } finally {
                    t.cancel();
                }
            } else if (op < 70) { // a Timeout that does not fire
                try (Timeout t = Timeout.start(Duration.ofSeconds(30))) {
                    Gevent.sleep(0);
                }
            } else if (op < 85) { // j.u.c. hand-off to the consumer on hub b
                long v = rnd.nextInt(100) + 1;
                queue.put(v);
                put.addAndGet(v);
            } else if (op < 95) { // cross-hub join
                Greenlet<Integer> g = target.spawn(() -> {
                    Gevent.sleep(0);
                    return 7;
                });
                assertEquals(7, g.get());
            } else { // socket echo
                byte[] msg = new byte[1 + rnd.nextInt(64)];
                rnd.nextBytes(msg);
                echoOnce(server.getLocalPort(), msg);
            }
        }
        joinAndCheck(pending);
        return null;
    }

    private static void joinAndCheck(List<Greenlet<Integer>> pending) {
        Gevent.joinAll(pending);
        for (Greenlet<Integer> g : pending) {
            assertTrue(g.isSuccessful(), g.toString());
            assertTrue(g.value() >= 0 && g.value() < 1000);
        }
        pending.clear();
    }

    private static void echoOnce(int port, byte[] msg) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = s.getOutputStream();
            out.write(msg);
            out.flush();
            InputStream in = s.getInputStream();
            byte[] back = in.readNBytes(msg.length);
            assertArrayEquals(msg, back);
        }
    }

    private static void echo(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] buf = new byte[256];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
        } catch (Exception e) {
            // a client that went away
        }
    }
}
