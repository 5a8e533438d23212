package dev.gevent4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Workload 12: system calls per echoed message, per contender — the IO cost an event loop cannot go below. The
 * echo server of workload 6 serves the same closed-loop client (100 connections, 64-byte messages); {@code perf stat}
 * counts the server process's syscalls (every thread) with the kernel's syscall tracepoints during the client's
 * measurement window, and each count is divided by the messages echoed in that window.
 *
 * <pre>{@code
 * benchmarks/run --workload 12
 * }</pre>
 *
 * <p>Rows: the total, and read, write, recvfrom, sendto, epoll_wait (+ epoll_pwait, epoll_pwait2), epoll_ctl, futex, and eventfd
 * (reads and writes on the process's eventfds, found in /proc/PID/fd when the window starts: a loop's wake-up from
 * another thread). Skipped when {@code perf} or its syscall tracepoints are not available. A timeout of a step fails
 * only that contender.
 */
final class Syscalls {
    static final int WORKLOAD = 12;
    private static final String[] KINDS = {"read", "write", "recvfrom", "sendto", "epoll_wait", "epoll_pwait",
        "epoll_pwait2", "epoll_ctl", "futex"};

    private Syscalls() {}

    static void run(Harness h) throws Exception {
        boolean smoke = h.smoke();
        String why = perfMissing();
        if (why != null) {
            for (String c : Harness.IO_CONTENDERS) {
                h.add(Result.skipped(WORKLOAD, "syscalls per message", "syscalls/msg", true, c, why));
            }
            return;
        }
        int conns = smoke ? 20 : 100;
        double warm = smoke ? 0.3 : 2.0;
        double measure = smoke ? 1.0 : 5.0;
        for (String c : Harness.IO_CONTENDERS) {
            List<String> cmd = Macro.serverCommand(h, WORKLOAD, "syscalls per message", c, "echo",
                    warm + measure + 60);
            if (cmd == null) {
                continue;
            }
            try (Proc server = Proc.start("syscalls-server-" + Macro.slug(c), cmd)) {
                String port = server.awaitLine("PORT ", Duration.ofSeconds(30)).trim();
                List<String> client = Env.javaCommand(List.of("-Xmx1g", "-XX:+UseParallelGC"),
                        "dev.gevent4j.bench.macro.EchoClient", port, "" + conns, "64", "" + warm, "" + measure);
                try (Proc cl = Proc.start("syscalls-client-" + Macro.slug(c), client)) {
                    cl.awaitLine("START", Duration.ofSeconds(60));
                    Path out = Files.createTempFile("gevent4j-perf", ".csv");
                    Process perf = startPerf(server.pid(), eventfds(server.pid()), out);
                    try {
                        cl.awaitLine("END", Duration.ofSeconds((long) measure + 30));
                    } finally {
                        stopPerf(perf);
                    }
                    Map<String, Double> counts = parse(Files.readString(out));
                    Files.deleteIfExists(out);
                    double msgs = Macro.results(cl, 4, Duration.ofSeconds(30)).get("msgs");
                    if (msgs == 0 || !counts.containsKey("total")) {
                        throw new IllegalStateException("no message echoed or no count from perf: " + counts);
                    }
                    String note = String.format(Locale.ROOT, "%,.0f msgs, %d conns", msgs, conns);
                    h.add(Result.of(WORKLOAD, "syscalls per message", "syscalls/msg", true, c,
                            counts.get("total") / msgs, note));
                    for (String k : rows(counts)) {
                        h.add(Result.of(WORKLOAD, k + " per message", "syscalls/msg", true, c,
                                counts.getOrDefault(k, 0.0) / msgs, ""));
                    }
                    cl.waitFor(Duration.ofSeconds(20));
                }
            } catch (Exception e) {
                h.fail(WORKLOAD, c, e);
            }
        }
    }

    /** The breakdown rows: epoll_pwait is folded into epoll_wait (glibc and the JDK use either). */
    private static List<String> rows(Map<String, Double> counts) {
        counts.merge("epoll_wait", counts.getOrDefault("epoll_pwait", 0.0) + counts.getOrDefault("epoll_pwait2", 0.0),
                Double::sum);
        double efdRead = counts.getOrDefault("eventfd_read", 0.0);
        double efdWrite = counts.getOrDefault("eventfd_write", 0.0);
        counts.merge("read", -efdRead, Double::sum); // read and write: on sockets (and pipes) only
        counts.merge("write", -efdWrite, Double::sum);
        counts.put("eventfd", efdRead + efdWrite);
        return List.of("read", "write", "recvfrom", "sendto", "epoll_wait", "epoll_ctl", "eventfd", "futex");
    }

    /** Why perf cannot count syscalls here, or null. */
    private static String perfMissing() {
        try {
            Process p = new ProcessBuilder("perf", "stat", "-x,", "-e", "raw_syscalls:sys_enter", "true")
                    .redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0 || !text.contains("raw_syscalls:sys_enter")) {
                return "perf cannot count syscall tracepoints here (" + text.strip().lines().findFirst().orElse("")
                        + "); apt-get install linux-perf, and allow perf_event_paranoid <= 2";
            }
            return null;
        } catch (IOException | InterruptedException e) {
            return "perf is not installed (apt-get install linux-perf)";
        }
    }

    /** The process's eventfds, by number (a loop's wake-up fd). */
    private static List<Integer> eventfds(long pid) throws IOException {
        List<Integer> fds = new ArrayList<>();
        try (var dir = Files.newDirectoryStream(Path.of("/proc/" + pid + "/fd"))) {
            for (Path p : dir) {
                try {
                    if (Files.readSymbolicLink(p).toString().contains("eventfd")) {
                        fds.add(Integer.parseInt(p.getFileName().toString()));
                    }
                } catch (IOException | NumberFormatException gone) {
                    // closed while listing
                }
            }
        }
        return fds;
    }

    private static Process startPerf(long pid, List<Integer> eventfds, Path out) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("perf", "stat", "-x,", "-o", out.toString(), "-p", "" + pid,
                "-e", "raw_syscalls:sys_enter"));
        for (String k : KINDS) {
            cmd.addAll(List.of("-e", "syscalls:sys_enter_" + k));
        }
        if (!eventfds.isEmpty()) {
            String filter = String.join(" || ", eventfds.stream().map(fd -> "fd == " + fd).toList());
            cmd.addAll(List.of("-e", "syscalls:sys_enter_read", "--filter", filter,
                    "-e", "syscalls:sys_enter_write", "--filter", filter));
        }
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    /** perf stat prints its counts when interrupted. */
    private static void stopPerf(Process perf) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-INT", "" + perf.pid()).start().waitFor(10, TimeUnit.SECONDS);
        if (!perf.waitFor(20, TimeUnit.SECONDS)) {
            perf.destroyForcibly();
            throw new IllegalStateException("perf stat did not stop");
        }
    }

    /** perf's CSV lines ({@code count,unit,event,...}): the total, each kind, and "eventfd" (the filtered pair). */
    static Map<String, Double> parse(String csv) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (String line : csv.lines().toList()) {
            String[] f = line.split(",");
            if (f.length < 3 || line.startsWith("#") || f[0].isBlank() || !Character.isDigit(f[0].charAt(0))) {
                continue;
            }
            double v = Double.parseDouble(f[0]);
            String ev = f[2];
            if (ev.equals("raw_syscalls:sys_enter")) {
                m.put("total", v);
            } else if (ev.startsWith("syscalls:sys_enter_")) {
                String k = ev.substring("syscalls:sys_enter_".length());
                if (m.containsKey(k) && (k.equals("read") || k.equals("write"))) {
                    m.put("eventfd_" + k, v); // the second, filtered read/write event
                } else {
                    m.put(k, v);
                }
            }
        }
        return m;
    }
}
