package dev.gevent4j.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Workload 10 (issue 18): what {@code -javaagent:gevent4j-agent.jar} adds to a JVM's start-up. A hello-world class
 * ({@code dev.gevent4j.bench.macro.Hello}, copied out of the benchmarks jar into its own directory, as
 * {@code java -cp DIR Hello}) runs in a new JVM as a plain JVM, with the agent (default options; its cache warm, the
 * usual case from the second start of an agent build on), with the agent and {@code main=true} (the default hub
 * starts before {@code main}), and with the agent's cache off (every start does the first start's work: Byte Buddy patches
 * every class). They alternate run by run, so a busy machine slows them alike;
 * each figure is the median wall time from process start to exit (and of its CPU time, user + sys, from bash's
 * {@code time}: steadier on a busy machine), and the cost rows are the differences of the wall-time medians.
 *
 * <pre>{@code
 * benchmarks/run --workload 10
 * }</pre>
 *
 * <p>Timeout: each JVM has 60 s, then it is destroyed and the contender fails. The agent's cache for the warm runs is
 * a directory of its own under benchmarks/target (filled by the warm-up runs), so the figures do not depend on what
 * ~/.cache holds.
 */
final class Startup {
    private Startup() {}

    static final String PLAIN = "plain JVM";
    static final String WARM = Contenders.AGENT;
    static final String COLD = Contenders.AGENT + " (cache off)";
    static final String WITH_MAIN = Contenders.AGENT + " (main=true)";
    static final String TIME = "hello world: wall time, median";
    static final String COST = "agent start-up over a plain JVM";
    static final String CPU = "hello world: CPU time (user + sys), median";

    static void run(Harness h) throws Exception {
        Path agent = h.agent();
        int runs = h.smoke() ? 3 : 21;
        Path dir = Path.of("benchmarks", "target", "startup").toAbsolutePath();
        Path classes = dir.resolve("classes");
        Path hello = classes.resolve("dev/gevent4j/bench/macro/Hello.class");
        Files.createDirectories(hello.getParent());
        try (InputStream in = Startup.class.getResourceAsStream("/dev/gevent4j/bench/macro/Hello.class")) {
            Files.copy(in, hello, StandardCopyOption.REPLACE_EXISTING);
        }
        Path cache = dir.resolve("agent-cache");
        if (!Files.isDirectory(cache)) {
            Files.createDirectory(cache, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
        }
        List<String> names = new ArrayList<>(List.of(PLAIN));
        List<List<String>> commands = new ArrayList<>();
        commands.add(command(List.of(), classes));
        if (agent == null) {
            h.add(Result.skipped(10, TIME, "ms", true, WARM, Env.NO_AGENT));
            h.add(Result.skipped(10, TIME, "ms", true, WITH_MAIN, Env.NO_AGENT));
            h.add(Result.skipped(10, TIME, "ms", true, COLD, Env.NO_AGENT));
        } else {
            names.add(WARM);
            commands.add(command(List.of("-Dgevent4j.agent.cache=" + cache, "-javaagent:" + agent), classes));
            names.add(WITH_MAIN);
            commands.add(command(List.of("-Dgevent4j.agent.cache=" + cache, "-javaagent:" + agent + "=main=true"),
                    classes));
            names.add(COLD);
            commands.add(command(List.of("-Dgevent4j.agent.cache=false", "-javaagent:" + agent), classes));
        }
        long[][] nanos = new long[names.size()][runs];
        long[][] cpu = new long[names.size()][runs];
        for (int c = 0; c < names.size(); c++) {
            once(commands.get(c), new long[1]); // warm-up: the page cache, and the warm contender's agent cache
        }
        long[] cpuOfRun = new long[1];
        for (int i = 0; i < runs; i++) {
            for (int c = 0; c < names.size(); c++) {
                nanos[c][i] = once(commands.get(c), cpuOfRun);
                cpu[c][i] = cpuOfRun[0];
            }
        }
        double[] medians = new double[names.size()];
        for (int c = 0; c < names.size(); c++) {
            medians[c] = median(nanos[c]) / 1e6;
            h.add(Result.of(10, TIME, "ms", true, names.get(c), medians[c], String.format(Locale.ROOT,
                    "%d runs, min %s, max %s", runs, Report.format(min(nanos[c]) / 1e6),
                    Report.format(max(nanos[c]) / 1e6))));
        }
        for (int c = 0; c < names.size(); c++) {
            h.add(Result.of(10, CPU, "ms", true, names.get(c), median(cpu[c]) / 1e6,
                    "all the JVM's threads (the JIT's too); steadier than wall time on a busy machine"));
        }
        for (int c = 1; c < names.size(); c++) {
            String n = names.get(c);
            h.add(Result.of(10, COST, "ms", true, n, medians[c] - medians[0], "median - plain median; "
                    + (n.equals(WARM) ? "default options; target <= 300 ms (issue 18)"
                    : n.equals(WITH_MAIN) ? "main=true: the default hub starts before main"
                    : "the first start of an agent build (or -Dgevent4j.agent.cache=false)")));
        }
    }

    /** The JVM running the hello-world class from {@code classes}. */
    private static List<String> command(List<String> jvmArgs, Path classes) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Env.javaExe());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(classes.toString());
        cmd.add("dev.gevent4j.bench.macro.Hello");
        return cmd;
    }

    /**
     * Wall time of one JVM, start to exit, run under bash's {@code time} (bash's start, a millisecond, is included
     * for every contender alike), which reports the CPU time of the whole process once it has exited: that goes to
     * {@code cpu[0]}. The JVM must print exactly "hello" and nothing else.
     */
    private static long once(List<String> cmd, long[] cpu) throws IOException, InterruptedException {
        StringBuilder line = new StringBuilder("TIMEFORMAT='CPU %U %S'; time");
        for (String a : cmd) {
            line.append(" '").append(a.replace("'", "'\\''")).append('\'');
        }
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder("bash", "-c", line.toString()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("no exit in 60 s: " + String.join(" ", cmd));
        }
        long t = System.nanoTime() - t0;
        int at = out.lastIndexOf("CPU ");
        if (p.exitValue() != 0 || at < 0 || !out.substring(0, at).equals("hello\n")) {
            throw new IOException("exit " + p.exitValue() + ", output '" + out + "': " + String.join(" ", cmd));
        }
        String[] us = out.substring(at + 4).trim().split(" ");
        cpu[0] = Math.round((Double.parseDouble(us[0]) + Double.parseDouble(us[1])) * 1e9);
        return t;
    }

    private static double median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
    }

    private static long min(long[] v) {
        return Arrays.stream(v).min().orElse(0);
    }

    private static long max(long[] v) {
        return Arrays.stream(v).max().orElse(0);
    }
}
