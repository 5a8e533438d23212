package dev.gevent4j.junit;

import dev.gevent4j.Gevent;
import dev.gevent4j.Greenlet;
import dev.gevent4j.Hub;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.lang.reflect.Method;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;

/**
 * The JUnit 5 extension behind {@link GeventTest}: provides the test's runs, and per run creates the hub, runs the
 * test and lifecycle methods as greenlets on it, injects it, and checks for leaks and stalls afterwards. Registered by
 * {@link GeventTest}; not meant to be registered by hand.
 */
public final class GeventExtension implements TestTemplateInvocationContextProvider {
    /** How long after a run the leak check waits for greenlets, timers and fds closed asynchronously to go away. */
    public static final long SETTLE_MILLIS = 2000;

    /** A system property that replays one seed: every @GeventTest runs once, with this seed, on virtual time. */
    public static final String SEED_PROPERTY = "gevent4j.junit.seed";

    private static volatile boolean warmedUp;

    @Override
    public boolean supportsTestTemplate(ExtensionContext context) {
        return context.getTestMethod().map(m -> m.isAnnotationPresent(GeventTest.class)).orElse(false);
    }

    @Override
    public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(ExtensionContext context) {
        GeventTest cfg = context.getRequiredTestMethod().getAnnotation(GeventTest.class);
        String name = context.getRequiredTestMethod().getName();
        String forced = System.getProperty(SEED_PROPERTY);
        if (forced != null && !forced.isBlank()) {
            return Stream.of(new Run(cfg, name, Long.parseLong(forced.trim())));
        }
        if (cfg.seed() != GeventTest.NO_SEED) {
            return Stream.of(new Run(cfg, name, cfg.seed()));
        }
        if (cfg.seeds() > 0) {
            return java.util.stream.LongStream.rangeClosed(1, cfg.seeds()).mapToObj(s -> new Run(cfg, name, s));
        }
        return Stream.of(new Run(cfg, name, null));
    }

    /** One run of a test: its display name, its seed (or null) and its per-run extension. */
    private record Run(GeventTest cfg, String name, Long seed) implements TestTemplateInvocationContext {
        @Override
        public String getDisplayName(int invocationIndex) {
            return seed == null ? name : name + " [seed = " + seed + "]";
        }

        @Override
        public List<Extension> getAdditionalExtensions() {
            return List.of(new PerRun(cfg, seed));
        }
    }

    /** The hub of one run, and the checks around it. */
    static final class PerRun implements BeforeEachCallback, AfterEachCallback, ParameterResolver,
            InvocationInterceptor {
        private final GeventTest cfg;
        private final Long seed;
        private Hub hub;
        private Map<Integer, String> fdsBefore;
        private StallCapture stalls;

        PerRun(GeventTest cfg, Long seed) {
            this.cfg = cfg;
            this.seed = seed;
        }

        @Override
        public void beforeEach(ExtensionContext context) throws Exception {
            warmUp();
            fdsBefore = openFds();
            Hub.Builder b = Hub.builder().name("gevent4j-hub-test-" + context.getRequiredTestMethod().getName())
                    .virtualTime(cfg.virtualTime() || seed != null);
            if (seed != null) {
                b.seed(seed).timerJitter(java.time.Duration.ofNanos(cfg.timerJitterMicros() * 1000))
                        .perturbIo(cfg.perturbIo());
            }
            hub = b.build();
            stalls = StallCapture.install(hub);
        }

        @Override
        public void afterEach(ExtensionContext context) throws Exception {
            List<String> problems = new ArrayList<>();
            String dump = null;
            try {
                if (cfg.stallMillis() > 0 && hub.longestStallMillis() > cfg.stallMillis()) {
                    problems.add("hub " + hub.getName() + " stalled for " + hub.longestStallMillis()
                            + " ms (threshold " + cfg.stallMillis() + " ms): it did not return to its loop; "
                            + "the hub monitor saw:\n" + stalls.reports());
                }
                if (cfg.leakCheck()) {
                    String leak = settle(() -> hubLeaks(hub));
                    if (leak != null) {
                        problems.add(leak);
                        dump = Gevent.dump();
                    }
                }
            } finally {
                stalls.remove();
                hub.close();
            }
            if (cfg.leakCheck()) {
                String fds = settle(() -> fdLeaks(fdsBefore));
                if (fds != null) {
                    problems.add(fds);
                }
            }
            if (!problems.isEmpty()) {
                throw withSeed(new AssertionError(context.getDisplayName() + ": " + String.join("\n", problems)
                        + (dump == null ? "" : "\n--- Gevent.dump() before the hub was closed ---\n" + dump)));
            }
        }

        /** On a seeded run: adds the seed and how to replay it to {@code t} (its type and message unchanged). */
        private <T extends Throwable> T withSeed(T t) {
            if (seed != null) {
                t.addSuppressed(new SeededRunFailed(seed));
                System.err.println("gevent4j-junit: a run failed with seed " + seed + "; replay it with "
                        + "@GeventTest(seed = " + seed + ") or -D" + SEED_PROPERTY + "=" + seed);
            }
            return t;
        }

        @Override
        public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
            return p.getParameter().getType() == Hub.class;
        }

        @Override
        public Object resolveParameter(ParameterContext p, ExtensionContext e) {
            return hub;
        }

        @Override
        public void interceptTestTemplateMethod(Invocation<Void> invocation,
                                                ReflectiveInvocationContext<Method> invocationContext,
                                                ExtensionContext extensionContext) throws Throwable {
            onHub(invocation);
        }

        @Override
        public void interceptBeforeEachMethod(Invocation<Void> invocation,
                                              ReflectiveInvocationContext<Method> invocationContext,
                                              ExtensionContext extensionContext) throws Throwable {
            onHub(invocation);
        }

        @Override
        public void interceptAfterEachMethod(Invocation<Void> invocation,
                                             ReflectiveInvocationContext<Method> invocationContext,
                                             ExtensionContext extensionContext) throws Throwable {
            onHub(invocation);
        }

        /** Runs the invocation as a greenlet on the run's hub and waits for it; rethrows what it threw. */
        private void onHub(Invocation<Void> invocation) throws Throwable {
            Throwable[] thrown = new Throwable[1];
            Greenlet<Void> g = hub.spawn(() -> {
                try {
                    invocation.proceed();
                } catch (Throwable t) {
                    thrown[0] = t;
                }
            });
            // A timed join in a loop, not join(): JUnit's @Timeout interrupts this thread, and an untimed outside
            // join waits on through interrupts. On interrupt the test greenlet is killed and JUnit reports the timeout.
            while (!g.join(java.time.Duration.ofMillis(100))) {
                if (Thread.currentThread().isInterrupted()) {
                    g.killNowait(new dev.gevent4j.GreenletExit("the test timed out"));
                    throw new InterruptedException("the test greenlet was still running: killed");
                }
            }
            if (thrown[0] != null) {
                throw withSeed(thrown[0]);
            }
            if (!g.isSuccessful()) {
                try {
                    g.get();
                } catch (CompletionException e) {
                    throw e.getCause() != null ? e.getCause() : e;
                }
            }
        }
    }

    /** Live greenlets, timers, IO registrations and held starts on {@code hub}, or null if there are none. */
    static String hubLeaks(Hub hub) {
        Hub.Stats s = hub.snapshotStats();
        int held = hub.heldStarts();
        if (s.liveGreenlets() == 0 && s.timers() == 0 && s.ioRegistrations() == 0 && held == 0) {
            return null;
        }
        return "leak check: the test left behind on hub " + hub.getName() + ": " + s.liveGreenlets()
                + " live greenlet(s), " + s.timers() + " pending timer(s), " + s.ioRegistrations()
                + " IO registration(s), " + held + " held start(s)";
    }

    /** The fds open now that were not open before (ignoring jars, libraries and the like), or null. */
    static String fdLeaks(Map<Integer, String> before) {
        List<String> added = new ArrayList<>();
        for (Map.Entry<Integer, String> e : openFds().entrySet()) {
            if (!e.getValue().equals(before.get(e.getKey())) && !ignorable(e.getValue())) {
                added.add(e.getKey() + " -> " + e.getValue());
            }
        }
        return added.isEmpty() ? null : "leak check: " + added.size() + " more open fd(s): " + added;
    }

    /** Calls {@code check} until it answers null or {@link #SETTLE_MILLIS} have passed; returns its last answer. */
    private static String settle(java.util.function.Supplier<String> check) throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE_MILLIS * 1_000_000;
        while (true) {
            String problem = check.get();
            if (problem == null || System.nanoTime() - deadline > 0) {
                return problem;
            }
            Thread.sleep(10); // asynchronous closes: there is no event to wait on for an fd going away
        }
    }

    private static boolean ignorable(String target) {
        return target.endsWith(".jar") || target.contains(".so") || target.endsWith(".jsa")
                || target.endsWith("/dev/random") || target.endsWith("/dev/urandom") || target.startsWith("/proc/")
                || target.endsWith(".log") || target.endsWith(".jfr");
    }

    static Map<Integer, String> openFds() {
        Map<Integer, String> m = new TreeMap<>();
        Path dir = Path.of("/proc/self/fd");
        if (!Files.isDirectory(dir)) {
            return m; // not Linux: no fd check
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                try {
                    m.put(Integer.parseInt(p.getFileName().toString()), Files.readSymbolicLink(p).toString());
                } catch (IOException | NumberFormatException e) {
                    // the directory stream's own fd, or an fd closed meanwhile
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc/self/fd", e);
        }
        return m;
    }

    /** Opens, once per JVM, what the JDK and the runtime open lazily and keep (the JDK's poller, a first epoll). */
    private static synchronized void warmUp() throws Exception {
        if (warmedUp) {
            return;
        }
        Hub.getDefault(); // lives as long as the JVM: created here so that no test is blamed for its fds
        try (Hub h = Hub.create("gevent4j-hub-warmup")) {
            h.spawn(() -> {
                // a loopback round trip in greenlets: the JDK's socket poller and its fds stay for good
                try (ServerSocket ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                    Greenlet<Void> peer = Gevent.spawn(() -> {
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
                try (DatagramSocket d = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                        0))) {
                    d.getLocalPort();
                }
                return null;
            }).get();
        }
        Process p = new ProcessBuilder("true").start(); // the JDK's process reaper
        p.waitFor();
        p.getInputStream().close();
        p.getErrorStream().close();
        p.getOutputStream().close();
        warmedUp = true;
    }

    /** Collects the hub monitor's stall reports (logger {@code dev.gevent4j.monitor}) that name one hub. */
    static final class StallCapture extends Handler {
        private static final Logger MONITOR = Logger.getLogger("dev.gevent4j.monitor");
        private final String hubName;
        private final ConcurrentLinkedQueue<String> reports = new ConcurrentLinkedQueue<>();

        private StallCapture(String hubName) {
            this.hubName = hubName;
        }

        static StallCapture install(Hub hub) {
            StallCapture c = new StallCapture(hub.getName());
            MONITOR.addHandler(c);
            return c;
        }

        void remove() {
            MONITOR.removeHandler(this);
        }

        String reports() {
            return reports.isEmpty() ? "(no report captured: is the monitor's System.Logger backend "
                    + "java.util.logging?)" : String.join("\n", reports);
        }

        @Override
        public void publish(LogRecord r) {
            Object[] params = r.getParameters();
            if (params == null || params.length == 0 || !hubName.equals(params[0])) {
                return;
            }
            String msg = r.getMessage();
            try {
                msg = MessageFormat.format(msg, params);
            } catch (IllegalArgumentException e) {
                // keep the pattern
            }
            reports.add(msg);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }

    /** Attached (suppressed) to the failure of a seeded run: names the seed and how to replay it. */
    public static final class SeededRunFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final long seed;

        SeededRunFailed(long seed) {
            super("this run had seed " + seed + "; replay it with @GeventTest(seed = " + seed + ") or -D"
                    + SEED_PROPERTY + "=" + seed, null, false, false);
            this.seed = seed;
        }

        /** The seed of the failed run. */
        public long seed() {
            return seed;
        }
    }
}
