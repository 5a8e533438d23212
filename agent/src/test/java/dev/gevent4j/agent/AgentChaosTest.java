package dev.gevent4j.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gevent4j.agent.apps.ChaosEchoServer;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * A chaos test of the agent path: a seeded random mix of connection bursts, echoes, client resets (RST), half-closes,
 * slow readers, server read timeouts and server-side aborts (another thread closes a socket a reader blocks on),
 * against the unmodified {@link ChaosEchoServer} in its own JVM under the real agent. Checked for every seed: no
 * hang (every burst is bounded), every echoed byte right, and afterwards no file descriptor leaked
 * ({@code /proc/<pid>/fd}, before and after) and nothing left on the server's hubs but its accept loop (greenlets,
 * timers, IO registrations, read over JMX).
 *
 * <p>The seed fixes the mix (which sessions, in which bursts, with which sizes and delays), not the kernel's timing.
 * A failure names its seed; {@code -Dgevent4j.chaos.seed=S} reruns that mix. More:
 * {@code -Dgevent4j.chaos.seeds=100 -Dgevent4j.chaos.bursts=200}.
 */
@org.junit.jupiter.api.Timeout(value = 900, unit = TimeUnit.SECONDS) // JUnit's @Timeout, fully qualified: dev.gevent4j.Timeout shares the name
class AgentChaosTest {
    static final int DEFAULT_SEEDS = 3;
    static final int DEFAULT_BURSTS = 25;
    private static final int MAX_BURST = 24;

    @Test
    void seededMixAgainstAnUnmodifiedServerUnderTheAgent() throws Exception {
        Long fixed = Long.getLong("gevent4j.chaos.seed");
        int seeds = fixed != null ? 1 : Integer.getInteger("gevent4j.chaos.seeds", DEFAULT_SEEDS);
        int bursts = Integer.getInteger("gevent4j.chaos.bursts", DEFAULT_BURSTS);
        Random seedSource = new Random();
        for (int i = 0; i < seeds; i++) {
            long seed = fixed != null ? fixed : seedSource.nextLong();
            System.out.println("[chaos] seed " + seed + " (rerun: -Dgevent4j.chaos.seed=" + seed + ")");
            try {
                String summary = runSeed(seed, bursts);
                System.out.println("[chaos] seed " + seed + ": " + summary);
            } catch (Throwable t) {
                throw new AssertionError("chaos seed " + seed + " failed; rerun with -Dgevent4j.chaos.seed=" + seed, t);
            }
        }
    }

    private static String runSeed(long seed, int bursts) throws Exception {
        Random mix = new Random(seed);
        int[] kinds = new int[Kind.values().length];
        try (ServerJvm server = ServerJvm.start(List.of("-javaagent:" + ChildJvm.agentJar() + "=main=true"),
                ChaosEchoServer.class);
             ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            InetSocketAddress addr = new InetSocketAddress("127.0.0.1", server.port());
            // A first burst before the baseline: the agent's hub group (one hub per core by default), its pool and each
            // hub's socket epoll set are created on first use, and live as long as the JVM.
            List<Future<?>> warm = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                warm.add(clients.submit(() -> {
                    Kind.ECHO.run(addr, new Random(seed + 1));
                    return null;
                }));
            }
            for (Future<?> f : warm) {
                f.get(30, TimeUnit.SECONDS);
            }
            ServerJvm.HubCounters idle = awaitIdle(server); // also opens the JMX connection before the fd baseline
            int fdsBefore = server.openFds();
            for (int b = 0; b < bursts; b++) {
                int n = 1 + mix.nextInt(MAX_BURST);
                List<Future<?>> burst = new ArrayList<>();
                List<String> names = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    Kind k = Kind.pick(mix);
                    kinds[k.ordinal()]++;
                    long sessionSeed = mix.nextLong();
                    names.add(k + "#" + b + "." + i);
                    burst.add(clients.submit(() -> {
                        k.run(addr, new Random(sessionSeed));
                        return null;
                    }));
                }
                for (int i = 0; i < n; i++) {
                    try {
                        burst.get(i).get(30, TimeUnit.SECONDS);
                    } catch (TimeoutException e) {
                        throw new AssertionError("session " + names.get(i) + " hung (30 s); server hubs:\n"
                                + server.hubCounters().dump(), e);
                    } catch (java.util.concurrent.ExecutionException e) {
                        throw new AssertionError("session " + names.get(i) + " failed: " + e.getCause(), e.getCause());
                    }
                }
            }
            ServerJvm.HubCounters after = awaitIdle(server);
            assertEquals(idle.greenlets(), after.greenlets(), "greenlets left:\n" + after.dump());
            assertEquals(0, after.timers(), "timers left:\n" + after.dump());
            assertEquals(idle.ioRegistrations(), after.ioRegistrations(), "IO registrations left:\n" + after.dump());
            int fdsAfter = awaitFds(server, fdsBefore);
            assertEquals(fdsBefore, fdsAfter, "file descriptors of the server before and after");
            assertTrue(server.isAlive(), "the server died");
            return "sessions " + Arrays.toString(kinds) + " of " + Arrays.toString(Kind.values()) + ", fds "
                    + fdsBefore + " -> " + fdsAfter + ", hub greenlets " + after.greenlets() + ", timers "
                    + after.timers() + ", IO registrations " + after.ioRegistrations();
        }
    }

    /** The server's hubs once only the accept loop is left: main's greenlet waiting in accept(). */
    private static ServerJvm.HubCounters awaitIdle(ServerJvm server) throws Exception {
        ServerJvm.HubCounters h = server.awaitHubCounters(c -> c.greenlets() == 1 && c.timers() == 0
                && c.ioRegistrations() == 1, 30_000);
        assertEquals(1, h.greenlets(), "the idle server's greenlets (main in accept):\n" + h.dump());
        return h;
    }

    private static int awaitFds(ServerJvm server, int expected) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        int fds = server.openFds();
        while (fds != expected && System.currentTimeMillis() < deadline) {
            Thread.sleep(20); // polling a condition, bounded by the deadline
            fds = server.openFds();
        }
        return fds;
    }

    /** One client session; each checks every byte it gets back. */
    enum Kind {
        ECHO(30) {
            @Override
            void run(InetSocketAddress addr, Random r) throws IOException {
                try (Socket s = connect(addr)) {
                    s.getOutputStream().write('E');
                    int m = 1 + r.nextInt(8);
                    for (int i = 0; i < m; i++) {
                        roundTrip(s, bytes(r, 1 + r.nextInt(16_384)));
                    }
                }
            }
        },
        HALF_CLOSE(15) {
            @Override
            void run(InetSocketAddress addr, Random r) throws Exception {
                echoAfterHalfClose(addr, bytes(r, 1 + r.nextInt(256 * 1024)), 0, "echo after half-close");
            }
        },
        RESET(15) {
            @Override
            void run(InetSocketAddress addr, Random r) throws IOException {
                try (Socket s = connect(addr)) {
                    s.getOutputStream().write('E');
                    byte[] msg = bytes(r, 1 + r.nextInt(4096));
                    if (r.nextBoolean()) {
                        roundTrip(s, msg);
                        s.getOutputStream().write(msg); // and reset with the echo still in flight
                    } else {
                        s.getOutputStream().write(msg);
                    }
                    s.setSoLinger(true, 0); // close() sends RST
                }
            }
        },
        SLOW_READER(10) {
            @Override
            void run(InetSocketAddress addr, Random r) throws Exception {
                echoAfterHalfClose(addr, bytes(r, 256 * 1024 + r.nextInt(768 * 1024)), 1, "echo to a slow reader");
            }
        },
        SERVER_TIMEOUT(15) {
            @Override
            void run(InetSocketAddress addr, Random r) throws Exception {
                try (Socket s = connect(addr)) {
                    s.getOutputStream().write('T');
                    int m = 2 + r.nextInt(3);
                    for (int i = 0; i < m; i++) {
                        roundTrip(s, bytes(r, 1 + r.nextInt(2048)));
                        Thread.sleep(35 + r.nextInt(45)); // the server's 30 ms read timeout fires meanwhile
                    }
                }
            }
        },
        SERVER_ABORT(15) {
            @Override
            void run(InetSocketAddress addr, Random r) throws Exception {
                try (Socket s = connect(addr)) {
                    OutputStream out = s.getOutputStream();
                    out.write(new byte[] {'K', (byte) (5 + r.nextInt(55))});
                    long deadline = System.currentTimeMillis() + 10_000;
                    while (true) {
                        assertTrue(System.currentTimeMillis() < deadline,
                                "the server's close from another thread never ended the connection");
                        byte[] msg = bytes(r, 1 + r.nextInt(1024));
                        try {
                            out.write(msg);
                        } catch (SocketException closed) {
                            return; // broken pipe / reset: the server aborted
                        }
                        byte[] got = new byte[msg.length];
                        int n = readUpTo(s.getInputStream(), got);
                        assertArrayEquals(Arrays.copyOf(msg, n), Arrays.copyOf(got, n), "bytes echoed before the abort");
                        if (n < msg.length) {
                            return; // end of stream or reset mid-echo: the server aborted
                        }
                        Thread.sleep(1);
                    }
                }
            }
        };

        private final int weight;

        Kind(int weight) {
            this.weight = weight;
        }

        abstract void run(InetSocketAddress addr, Random r) throws Exception;

        static Kind pick(Random mix) {
            int total = 0;
            for (Kind k : values()) {
                total += k.weight;
            }
            int x = mix.nextInt(total);
            for (Kind k : values()) {
                x -= k.weight;
                if (x < 0) {
                    return k;
                }
            }
            throw new AssertionError();
        }
    }

    static Socket connect(InetSocketAddress addr) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(addr, 10_000);
            s.setSoTimeout(20_000); // a client read that hangs fails the session instead of the test run
            s.setTcpNoDelay(true);
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /** Connects in echo mode, sends {@code sent} and half-closes, and checks that exactly {@code sent} comes back. */
    static void echoAfterHalfClose(InetSocketAddress addr, byte[] sent, int pauseMillisPer64k, String what)
            throws Exception {
        try (Socket s = connect(addr)) {
            s.getOutputStream().write('E');
            assertArrayEquals(sent, writeAllThenReadToEof(s, sent, pauseMillisPer64k), what);
        }
    }

    static byte[] bytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    static void roundTrip(Socket s, byte[] msg) throws IOException {
        s.getOutputStream().write(msg);
        byte[] got = new byte[msg.length];
        new DataInputStream(s.getInputStream()).readFully(got);
        assertArrayEquals(msg, got, "echoed bytes");
    }

    /** Reads until {@code buf} is full, the stream ends or the connection is reset; returns the bytes read. */
    static int readUpTo(InputStream in, byte[] buf) throws IOException {
        int n = 0;
        try {
            while (n < buf.length) {
                int k = in.read(buf, n, buf.length - n);
                if (k < 0) {
                    break;
                }
                n += k;
            }
        } catch (SocketException reset) {
            // the server aborted: what came before the reset is still checked
        }
        return n;
    }

    /** Writes {@code sent} on another thread, then half-closes; reads everything until EOF, pausing if slow. */
    static byte[] writeAllThenReadToEof(Socket s, byte[] sent, int pauseMillisPer64k) throws Exception {
        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                s.getOutputStream().write(sent);
                s.shutdownOutput();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        ByteArrayOutputStream got = new ByteArrayOutputStream(sent.length);
        InputStream in = s.getInputStream();
        byte[] buf = new byte[4096];
        int n;
        long sinceNap = 0;
        while ((n = in.read(buf)) >= 0) {
            got.write(buf, 0, n);
            sinceNap += n;
            if (pauseMillisPer64k > 0 && sinceNap >= 65_536) {
                Thread.sleep(pauseMillisPer64k); // a slow reader: the server's writes wait on a full buffer
                sinceNap = 0;
            }
        }
        writer.join(20_000);
        if (writer.isAlive()) {
            throw new EOFException("the writer never finished");
        }
        return got.toByteArray();
    }
}
