package dev.gevent4j.testing;

import dev.gevent4j.Hub;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that fails a test which leaves something behind: open file descriptors (the entries of
 * {@code /proc/self/fd}), hub threads, live greenlets or pending timers.
 *
 * <pre>{@code
 * @ExtendWith(LeakCheck.class)
 * @Timeout(30)
 * class MyServerTest { ... }
 * }</pre>
 *
 * <p>Before each test it records the open fds, the names of live {@code gevent4j-hub-*} threads, and the counters
 * ({@link Hub#snapshotStats()}) of the default hub and of every {@code Hub} held in a field of the test instance or
 * class. After the test (after {@code @AfterEach} methods) it waits up to {@link #SETTLE_MILLIS} for things closed
 * asynchronously to settle, then fails naming what was added: each new fd with its target, each new hub thread, and
 * each hub with more live greenlets or timers than before.
 *
 * <p>Once per JVM it warms up what the JDK opens lazily and keeps for the life of the process (the JDK's socket
 * poller, the first hub's epoll instance), and it ignores fds on jars, shared libraries, CDS archives and the random
 * devices (class loading and SecureRandom keep those open forever).
 */
public final class LeakCheck implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback {
    /** How long after a test the check waits for fds, greenlets and timers to come back to their earlier counts. */
    public static final long SETTLE_MILLIS = 5000;

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(LeakCheck.class);
    private static volatile boolean warmedUp;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        warmUp();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NS).put("before", Snapshot.take(hubsOf(context)));
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Snapshot before = context.getStore(NS).remove("before", Snapshot.class);
        if (before == null) {
            return;
        }
        long deadline = System.nanoTime() + SETTLE_MILLIS * 1_000_000;
        String problem;
        while (true) {
            Snapshot after = Snapshot.take(hubsOf(context));
            problem = after.leaksSince(before);
            if (problem == null) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                break;
            }
            Thread.sleep(20); // settling of asynchronous closes: no event to wait on for an fd disappearing
        }
        throw new AssertionError("leak check failed for " + context.getDisplayName() + ": " + problem);
    }

    private static List<Hub> hubsOf(ExtensionContext context) {
        List<Hub> hubs = new ArrayList<>();
        Map<Hub, Boolean> seen = new IdentityHashMap<>();
        Object instance = context.getTestInstance().orElse(null);
        for (Class<?> c = context.getRequiredTestClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (!Hub.class.isAssignableFrom(f.getType())) {
                    continue;
                }
                boolean isStatic = Modifier.isStatic(f.getModifiers());
                if (!isStatic && instance == null) {
                    continue;
                }
                try {
                    f.setAccessible(true);
                    Hub h = (Hub) f.get(isStatic ? null : instance);
                    if (h != null && seen.put(h, Boolean.TRUE) == null) {
                        hubs.add(h);
                    }
                } catch (ReflectiveOperationException | RuntimeException e) {
                    // a field we cannot read is not checked
                }
            }
        }
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("gevent4j-hub-0") && t.isAlive()) {
                Hub d = Hub.getDefault();
                if (seen.put(d, Boolean.TRUE) == null) {
                    hubs.add(d);
                }
                break;
            }
        }
        return hubs;
    }

    /** Opens, once per JVM, what the JDK and the runtime open lazily and never close. */
    static synchronized void warmUp() throws Exception {
        if (warmedUp) {
            return;
        }
        Hub.getDefault(); // lives as long as the JVM: created here so that no test is blamed for it
        try (Hub hub = Hub.create("gevent4j-hub-warmup")) {
            hub.spawn(() -> {
                try (ServerSocket ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                    var peer = dev.gevent4j.Gevent.spawn(() -> {
                        try (Socket s = ss.accept(); OutputStream out = s.getOutputStream()) {
                            out.write(1);
                        }
                        return null;
                    });
                    try (Socket c = new Socket()) {
                        c.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), ss.getLocalPort()), 5000);
                        try (InputStream in = c.getInputStream()) {
                            in.read();
                        }
                    }
                    peer.get();
                }
                return null;
            }).get();
        }
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        p.getInputStream().close();
        p.getErrorStream().close();
        p.getOutputStream().close();
        warmedUp = true;
    }

    /** What one moment looks like. */
    private record Snapshot(Map<Integer, String> fds, TreeSet<String> hubThreads, Map<Hub, Hub.Stats> hubs) {
        static Snapshot take(List<Hub> hubs) {
            Map<Hub, Hub.Stats> stats = new IdentityHashMap<>();
            for (Hub h : hubs) {
                stats.put(h, h.isClosed() ? null : h.snapshotStats());
            }
            TreeSet<String> threads = new TreeSet<>();
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().startsWith("gevent4j-hub-") && t.isAlive()) {
                    threads.add(t.getName());
                }
            }
            return new Snapshot(openFds(), threads, stats);
        }

        String leaksSince(Snapshot before) {
            List<String> problems = new ArrayList<>();
            List<String> newFds = new ArrayList<>();
            for (Map.Entry<Integer, String> e : fds.entrySet()) {
                String old = before.fds.get(e.getKey());
                if (!e.getValue().equals(old) && !ignorable(e.getValue())) {
                    newFds.add(e.getKey() + " -> " + e.getValue());
                }
            }
            if (countCheckable(fds) > countCheckable(before.fds) && !newFds.isEmpty()) {
                problems.add((countCheckable(fds) - countCheckable(before.fds)) + " more open fd(s); new: " + newFds);
            }
            TreeSet<String> newThreads = new TreeSet<>(hubThreads);
            newThreads.removeAll(before.hubThreads);
            if (!newThreads.isEmpty()) {
                problems.add("hub thread(s) still running (a Hub not closed?): " + newThreads);
            }
            for (Map.Entry<Hub, Hub.Stats> e : hubs.entrySet()) {
                Hub.Stats now = e.getValue();
                if (now == null) {
                    continue;
                }
                Hub.Stats then = before.hubs.get(e.getKey());
                int liveBefore = then == null ? 0 : then.liveGreenlets();
                int timersBefore = then == null ? 0 : then.timers();
                if (now.liveGreenlets() > liveBefore) {
                    problems.add(e.getKey() + " has " + now.liveGreenlets() + " live greenlet(s), " + liveBefore
                            + " before the test");
                }
                if (now.timers() > timersBefore) {
                    problems.add(e.getKey() + " has " + now.timers() + " pending timer(s), " + timersBefore
                            + " before the test");
                }
            }
            return problems.isEmpty() ? null : String.join("; ", problems);
        }

        private static long countCheckable(Map<Integer, String> fds) {
            return fds.values().stream().filter(v -> !ignorable(v)).count();
        }

        private static boolean ignorable(String target) {
            return target.endsWith(".jar") || target.contains(".so") || target.endsWith(".jsa")
                    || target.endsWith("/dev/random") || target.endsWith("/dev/urandom") || target.startsWith("/proc/");
        }

        private static Map<Integer, String> openFds() {
            Map<Integer, String> m = new TreeMap<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
                for (Path p : ds) {
                    String target;
                    try {
                        target = Files.readSymbolicLink(p).toString();
                    } catch (IOException e) {
                        continue; // the directory stream's own fd, or an fd closed meanwhile
                    }
                    m.put(Integer.parseInt(p.getFileName().toString()), target);
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot list /proc/self/fd", e);
            }
            return m;
        }
    }
}
