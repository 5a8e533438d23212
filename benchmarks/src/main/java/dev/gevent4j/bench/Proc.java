package dev.gevent4j.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A child process of the harness (a server, a load client, a Python benchmark) whose stdout is read line by line
 * and whose stderr goes to a log file under {@code benchmarks/target/logs}.
 *
 * <pre>{@code
 * try (Proc p = Proc.start("echo-server", List.of("java", "-cp", jar, "dev.gevent4j.bench.macro.Servers"))) {
 *     String port = p.awaitLine("PORT ", Duration.ofSeconds(20));
 * }
 * }</pre>
 *
 * <p>Timeout: {@link #awaitLine} fails with an exception carrying the log's tail when the line does not come in
 * time or the process dies. {@link #close()} destroys the process (forcibly after 5 s). Interrupt: waits are
 * interruptible and end with {@link InterruptedException}.
 */
public final class Proc implements AutoCloseable {
    private static final Path LOGS = Path.of("benchmarks", "target", "logs");
    private static final String EOF = "\u0000EOF";

    private final String name;
    private final Process process;
    private final Path log;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private Proc(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        Thread reader = Thread.ofPlatform().daemon(true).name("stdout-" + name).start(this::pump);
        reader.setUncaughtExceptionHandler((t, e) -> lines.add(EOF));
    }

    public static Proc start(String name, List<String> command) throws IOException {
        Files.createDirectories(LOGS);
        Path log = LOGS.resolve(name.replaceAll("[^A-Za-z0-9_.-]", "_") + ".log");
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(log.toFile());
        return new Proc(name, pb.start(), log);
    }

    private void pump() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String l;
            while ((l = r.readLine()) != null) {
                lines.add(l);
            }
        } catch (IOException e) {
            // the process ended
        } finally {
            lines.add(EOF);
        }
    }

    public long pid() {
        return process.pid();
    }

    /** The next stdout line starting with {@code prefix} (other lines are skipped), without the prefix. */
    public String awaitLine(String prefix, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String l = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
            if (l == null) {
                throw new IllegalStateException(name + ": no line starting with '" + prefix + "' within " + timeout
                        + "; " + tail());
            }
            if (l.equals(EOF)) {
                lines.add(EOF);
                throw new IllegalStateException(name + " ended (exit " + exitCodeSoon() + ") before printing '"
                        + prefix + "'; " + tail());
            }
            if (l.startsWith(prefix)) {
                return l.substring(prefix.length());
            }
        }
    }

    /** Every remaining stdout line, up to the end of the process's output. */
    public String readAll(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        StringBuilder sb = new StringBuilder();
        while (true) {
            long left = deadline - System.nanoTime();
            String l = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
            if (l == null) {
                throw new IllegalStateException(name + ": output did not end within " + timeout + "; " + tail());
            }
            if (l.equals(EOF)) {
                lines.add(EOF);
                return sb.toString();
            }
            sb.append(l).append('\n');
        }
    }

    /** Waits for the process to exit; returns its exit code, or fails after {@code timeout}. */
    public int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(name + " did not end within " + timeout + "; " + tail());
        }
        return process.exitValue();
    }

    private String exitCodeSoon() {
        try {
            if (process.waitFor(2, TimeUnit.SECONDS)) {
                return String.valueOf(process.exitValue());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "still running";
    }

    /** user + system CPU time of the process so far, in seconds (from /proc/PID/stat). */
    public double cpuSeconds() throws IOException {
        return cpuSeconds(process.pid());
    }

    public static double cpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // the command name (field 2) may contain spaces: fields are counted after its closing parenthesis
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long utime = Long.parseLong(f[11]);
        long stime = Long.parseLong(f[12]);
        return (utime + stime) / (double) Env.clockTicks();
    }

    /** The last lines of the process's stderr log, for error messages. */
    public String tail() {
        try {
            List<String> all = Files.readAllLines(log);
            return "stderr (" + log + "): " + String.join(" | ", all.subList(Math.max(0, all.size() - 8), all.size()));
        } catch (IOException e) {
            return "no stderr log";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
