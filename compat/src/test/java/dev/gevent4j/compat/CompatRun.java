package dev.gevent4j.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Runs a case's app in two child JVMs — one under the real agent ({@code -javaagent:agent/target/gevent4j-agent.jar},
 * default options: threads=true, main=false), one without — on this module's test class path, reads the figures the
 * app's {@code Probe} printed, checks them, and writes them to {@code target/compatibility/<case>.properties} for
 * {@link CompatibilityTableTest}.
 *
 * <pre>{@code
 * CompatRun.check(Case.JETTY, List.of(), "200");
 * }</pre>
 *
 * <p>Timeout: a child still running after 120 s is killed with its descendants and the case fails.
 */
final class CompatRun {
    private CompatRun() {}

    /** The figures one child printed ("key value" lines). */
    record Figures(Map<String, String> v, String stdout, String stderr) {
        int i(String k) {
            return Integer.parseInt(get(k));
        }

        long l(String k) {
            return Long.parseLong(get(k));
        }

        double d(String k) {
            return Double.parseDouble(get(k));
        }

        String get(String k) {
            String s = v.get(k);
            if (s == null) {
                throw new AssertionError("the app printed no '" + k + "'; stdout:\n" + stdout + "\nstderr:\n" + stderr);
            }
            return s;
        }
    }

    static String agentJar() {
        String p = System.getProperty("gevent4j.agent.jar");
        if (p == null || !new File(p).isFile()) {
            throw new IllegalStateException("system property gevent4j.agent.jar must name the built agent jar: " + p);
        }
        return p;
    }

    static Figures run(boolean agent, List<String> jvmArgs, Class<?> app, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElseThrow());
        if (agent) {
            cmd.add("-javaagent:" + agentJar());
        }
        cmd.add("-Xss512k");
        cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(app.getName());
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("compat-out", ".txt");
        Path err = Files.createTempFile("compat-err", ".txt");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor();
                throw new AssertionError(app.getSimpleName() + (agent ? " under the agent" : "") + " did not finish in "
                        + "120 s; stdout:\n" + Files.readString(out) + "\nstderr:\n" + tail(Files.readString(err)));
            }
            String so = Files.readString(out, StandardCharsets.UTF_8);
            String se = Files.readString(err, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), app.getSimpleName() + " exit status; stdout:\n" + so + "\nstderr:\n"
                    + tail(se));
            Map<String, String> v = new LinkedHashMap<>();
            for (String line : so.split("\n")) {
                int sp = line.indexOf(' ');
                if (sp > 0) {
                    v.put(line.substring(0, sp), line.substring(sp + 1).trim());
                }
            }
            return new Figures(v, so, se);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static String tail(String s) {
        return s.length() <= 6000 ? s : "..." + s.substring(s.length() - 6000);
    }

    /**
     * Runs {@code c} with and without the agent and checks: every operation succeeded in both; under the agent every
     * operation (or server handler) ran on a virtual thread, the ticker was a greenlet that kept ticking (the hub
     * never stalled for long), the concurrent phase took far less than one operation after another, and the app
     * stayed within {@code c.maxThreads} platform threads.
     */
    static void check(Case c, List<String> jvmArgs, String... args) throws Exception {
        Figures a = run(true, jvmArgs, c.app, args);
        Figures p = run(false, jvmArgs, c.app, args);
        String both = "\nunder the agent: " + a.v + "\nwithout: " + p.v + "\nstderr under the agent:\n" + tail(a.stderr);
        int n = c.n;
        assertEquals(c.id, a.get("case"));
        assertEquals(n, a.i("n"));
        assertEquals("[]", a.get("failures"), both);
        assertEquals(n, a.i("ok"), both);
        assertEquals("[]", p.get("failures"), both);
        assertEquals(n, p.i("ok"), both);
        assertEquals(n, a.i("virtual"), "operations (or handlers) on virtual threads under the agent" + both);
        assertEquals("true", a.get("tickerVirtual"), both);
        double sequential = n * delaySeconds();
        assertTrue(a.d("wall") < Math.min(sequential / 10, 10.0), "wall " + a.d("wall") + " s" + both);
        assertTrue(a.l("ticks") > 0, both);
        // A frozen hub would stop the ticker for as long as it is frozen; 2 s is far beyond the noise of this
        // 2-core machine and far below a hang.
        assertTrue(a.l("maxTickGapMs") < 2000, "the ticker greenlet waited " + a.l("maxTickGapMs") + " ms" + both);
        assertTrue(a.i("peakThreads") <= c.maxThreads, "peak platform threads under the agent " + a.i("peakThreads")
                + " > " + c.maxThreads + both);
        if (c.maxOsThreads > 0 && Runtime.getRuntime().availableProcessors() <= 4) {
            assertTrue(a.i("osThreads") <= c.maxOsThreads, "OS threads under the agent " + a.i("osThreads") + " > "
                    + c.maxOsThreads + both);
        }
        record(c, a, p);
    }

    static double delaySeconds() {
        return Long.getLong("compat.delayMillis", 500) / 1000.0;
    }

    /** The hub monitor's reports in a child's stderr: each first line and the frame below it. */
    static String stallReports(String stderr) {
        StringBuilder b = new StringBuilder();
        String[] lines = stderr.split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains("has not returned to its loop")) {
                b.append("\n    ").append(lines[i].strip());
                if (i + 1 < lines.length) {
                    b.append("\n      ").append(lines[i + 1].strip());
                }
            }
        }
        return b.toString();
    }

    private static void record(Case c, Figures a, Figures p) throws IOException {
        Properties out = new Properties();
        out.setProperty("id", c.id);
        out.setProperty("n", "" + c.n);
        out.setProperty("sequential", String.format(java.util.Locale.ROOT, "%.0f", c.n * delaySeconds()));
        for (String k : List.of("ok", "wall", "peakThreads", "osThreads", "ticks", "maxTickGapMs", "stalls", "virtual")) {
            out.setProperty("agent." + k, a.get(k));
            out.setProperty("plain." + k, p.get(k));
        }
        Path dir = Path.of(System.getProperty("compat.out", "target/compatibility"));
        Files.createDirectories(dir);
        try (var w = Files.newBufferedWriter(dir.resolve(c.id + ".properties"))) {
            out.store(w, "figures of the last run of case " + c.id);
        }
        System.out.printf(java.util.Locale.ROOT, "[compat] %-19s ok %d/%d and %d/%d | wall %.2f s with the agent, "
                        + "%.2f s without, %s s one after another | peak platform threads %d with, %d without (OS threads "
                        + "%d with, %d without) | "
                        + "ticker %d ticks, max gap %d ms, stalls %d%n", c.id, a.i("ok"), c.n, p.i("ok"), c.n,
                a.d("wall"), p.d("wall"), out.getProperty("sequential"), a.i("peakThreads"), p.i("peakThreads"),
                a.i("osThreads"), p.i("osThreads"),
                a.l("ticks"), a.l("maxTickGapMs"), a.l("stalls"));
        if (a.l("stalls") > 0) {
            System.out.println("[compat] " + c.id + ": the hub monitor's reports in that JVM (start-up included):"
                    + stallReports(a.stderr));
        }
    }
}
