package dev.gevent4j.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the harness knows about the machine and the contenders' tools: the JDK it runs on (and hands to its child
 * JVMs), the gevent4j JVM flags, the agent jar, Python gevent and wrk (PostgreSQL: {@link PgServer}), and the facts
 * RESULTS.md states.
 *
 * <pre>{@code
 * List<String> cmd = Env.javaCommand(List.of("-Xmx1g"), "dev.gevent4j.bench.macro.SleepFanOut", "gevent4j");
 * }</pre>
 *
 * <p>Every external command it runs ({@link #run}) is bounded to 20 s and yields "" on failure; it never throws
 * for a missing tool. Interrupt: an interrupted query returns "".
 */
public final class Env {
    private Env() {}

    /** What greenlets need from java.base without the agent (the root pom's gevent4j.jvmFlags). */
    public static final List<String> GEVENT4J_FLAGS = List.of("--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.access=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED");

    private static long clockTicks;

    public static String javaExe() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public static String benchJar() {
        return Path.of("benchmarks", "target", "benchmarks.jar").toAbsolutePath().toString();
    }

    /** A child JVM running {@code mainClass} from the benchmarks jar with the gevent4j flags. */
    public static List<String> javaCommand(List<String> jvmArgs, String mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaExe());
        cmd.addAll(GEVENT4J_FLAGS);
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(benchJar());
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        return cmd;
    }

    /**
     * The gevent4j agent jar ({@code -Dgevent4j.agent=PATH}, else {@code agent/target/gevent4j-agent.jar}, else
     * {@code agent/target/gevent4j-agent*.jar} without "sources"/"original"), or null when it has not been built.
     */
    public static Path agentJar() {
        String p = System.getProperty("gevent4j.agent");
        if (p != null && !p.isBlank()) {
            Path path = Path.of(p);
            return Files.isRegularFile(path) ? path.toAbsolutePath() : null;
        }
        Path dir = Path.of("agent", "target");
        if (!Files.isDirectory(dir)) {
            return null;
        }
        Path shaded = dir.resolve("gevent4j-agent.jar"); // the self-contained one, not the module's plain jar
        if (Files.isRegularFile(shaded)) {
            return shaded.toAbsolutePath();
        }
        try (var s = Files.list(dir)) {
            return s.filter(f -> {
                String n = f.getFileName().toString();
                return n.startsWith("gevent4j-agent") && n.endsWith(".jar") && !n.contains("sources")
                        && !n.contains("original") && !n.contains("javadoc") && !n.contains("tests");
            }).map(Path::toAbsolutePath).findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    public static final String NO_AGENT = "the agent jar is absent (build it with `mvn -q -pl agent -am package "
            + "-DskipTests` or pass -Dgevent4j.agent=PATH)";

    /** The Python interpreter that has gevent (Debian's python3-gevent lives under /usr/bin/python3), or null. */
    public static String python() {
        for (String py : List.of(System.getProperty("gevent4j.python", "/usr/bin/python3"), "python3")) {
            if (exitsZero(py, "-c", "import gevent")) {
                return py;
            }
        }
        return null;
    }

    public static final String NO_PYTHON = "Python gevent is not installed (apt-get install python3-gevent)";

    public static String pythonVersions(String py) {
        return run(py, "-c", "import sys, gevent, greenlet; print('Python %s, gevent %s, greenlet %s' % "
                + "(sys.version.split()[0], gevent.__version__, greenlet.__version__))").trim();
    }

    public static String wrk() {
        for (String w : List.of("/usr/bin/wrk", "/usr/local/bin/wrk")) {
            if (Files.isExecutable(Path.of(w))) {
                return w;
            }
        }
        return null;
    }

    public static long clockTicks() {
        if (clockTicks == 0) {
            String s = run("getconf", "CLK_TCK").trim();
            clockTicks = s.isEmpty() ? 100 : Long.parseLong(s);
        }
        return clockTicks;
    }

    public static String cpuModel() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (l.startsWith("model name")) {
                    return l.substring(l.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return System.getProperty("os.arch");
    }

    public static String memory() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (l.startsWith("MemTotal")) {
                    long kb = Long.parseLong(l.replaceAll("[^0-9]", ""));
                    return String.format("%.1f GiB", kb / 1024.0 / 1024.0);
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return "?";
    }

    public static String os() {
        String pretty = "";
        try {
            for (String l : Files.readAllLines(Path.of("/etc/os-release"))) {
                if (l.startsWith("PRETTY_NAME=")) {
                    pretty = l.substring(12).replace("\"", "") + ", ";
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return pretty + "Linux " + System.getProperty("os.version");
    }

    /** The 1, 5 and 15 minute load averages (/proc/loadavg): how busy the machine was around a run. */
    public static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    public static String nettyVersion() {
        Package p = io.netty.channel.Channel.class.getPackage();
        String v = p == null ? null : p.getImplementationVersion();
        if (v == null) {
            v = io.netty.util.Version.identify().values().stream().map(io.netty.util.Version::artifactVersion)
                    .findFirst().orElse("?");
        }
        return v;
    }

    /** wrk's version line ({@code wrk -v} prints it and exits with status 1). */
    public static String wrkVersion(String wrk) {
        try {
            Process p = new ProcessBuilder(wrk, "-v").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(20, TimeUnit.SECONDS);
            return out.lines().findFirst().orElse("?").trim();
        } catch (IOException e) {
            return "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    /** Runs a short command, returning its stdout ("" if it fails or is missing). */
    public static String run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "";
            }
            return p.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static boolean exitsZero(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
