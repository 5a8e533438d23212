package dev.gevent4j.bench;

import static dev.gevent4j.bench.Contenders.AGENT;
import static dev.gevent4j.bench.Contenders.AGENT_HUBS;
import static dev.gevent4j.bench.Contenders.AGENT_HUBS_2X;
import static dev.gevent4j.bench.Contenders.GEVENT4J;
import static dev.gevent4j.bench.Contenders.GROUP;
import static dev.gevent4j.bench.Contenders.NETTY;
import static dev.gevent4j.bench.Contenders.NETTY_N;
import static dev.gevent4j.bench.Contenders.PYTHON;
import static dev.gevent4j.bench.Contenders.THREADS;
import static dev.gevent4j.bench.Contenders.VT;
import static dev.gevent4j.bench.Contenders.VT1;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The macro workloads (5-8): each contender runs in its own process, started and measured by the harness; the load
 * generator (the echo client, wrk) is another process.
 *
 * <pre>{@code
 * Macro.echo(harness);   // adds msgs/s, p50, p99 and msgs per server-CPU-second for every contender
 * }</pre>
 *
 * <p>Timeout: every child process has a time limit (servers exit by themselves after their run time, waits for
 * their output are bounded) and is destroyed after use. A contender that fails is recorded as failed and the
 * next one runs. Interrupt: the harness's waits end with InterruptedException.
 */
final class Macro {
    private Macro() {}

    private static final String SERVERS = "dev.gevent4j.bench.macro.Servers";
    private static final String PY = "benchmarks/python/gevent_bench.py";

    // --- 5: sleep fan-out ---------------------------------------------------------------------------------------

    static void sleepFanOut(Harness h) {
        boolean smoke = h.smoke();
        int n = smoke ? 10_000 : 100_000;
        int threadsN = smoke ? 2_000 : 10_000;
        String sleep = smoke ? "0.3" : "1.0";
        String heapSleep = smoke ? "1.0" : "5.0";
        String wall = "wall time";
        String heap = "heap per parked task";
        for (String c : List.of(GEVENT4J, VT, THREADS, PYTHON)) {
            List<String> cmd;
            String note = n == 100_000 ? "" : String.format("%,d tasks x %s s", n, sleep);
            switch (c) {
                case GEVENT4J -> cmd = Env.javaCommand(List.of(), "dev.gevent4j.bench.macro.SleepFanOut",
                        "gevent4j", "" + n, sleep, heapSleep);
                case VT -> cmd = Env.javaCommand(List.of(), "dev.gevent4j.bench.macro.SleepFanOut", "vt", "" + n,
                        sleep, heapSleep);
                case THREADS -> {
                    cmd = Env.javaCommand(List.of(), "dev.gevent4j.bench.macro.SleepFanOut", "threads",
                            "" + threadsN, sleep, heapSleep);
                    note = String.format("%,d threads (100,000 OS threads exceed the usual thread limits); heap only, "
                            + "their stacks are native memory", threadsN);
                }
                default -> {
                    if (h.python() == null) {
                        h.add(Result.skipped(5, wall, "s", true, c, Env.NO_PYTHON));
                        continue;
                    }
                    cmd = List.of(h.python(), PY, "fanout", "" + n, sleep);
                    note = (note.isEmpty() ? "" : note + "; ") + "RSS growth, not heap";
                }
            }
            try (Proc p = Proc.start("fanout-" + slug(c), cmd)) {
                Map<String, Double> r = results(p, 2, Duration.ofMinutes(2));
                h.add(Result.of(5, wall, "s", true, c, r.get("wall_s"), note));
                h.add(Result.of(5, heap, "B", true, c, r.get("bytes_per_task"), note));
            } catch (Exception e) {
                h.fail(5, c, e);
            }
        }
    }

    /** Workload 5's fan-out across a group (issue 15): the heap of a million parked greenlets. */
    static final String MILLION = "heap of 1,000,000 parked";

    /**
     * Issue 15's fan-out footprint: 1,000,000 greenlets (smoke: 100,000) parked at once across a HubGroup, in a JVM
     * limited to 2 GB of heap; sleeping greenlets (the row) and greenlets waiting on one Event (in the note).
     */
    static void millionParked(Harness h) {
        int n = h.smoke() ? 100_000 : 1_000_000;
        Map<String, Map<String, Double>> byMode = new java.util.LinkedHashMap<>();
        for (String mode : List.of("sleep", "event")) {
            List<String> cmd = Env.javaCommand(List.of("-Xmx2g"), "dev.gevent4j.bench.macro.ParkedMillion", "" + n,
                    mode);
            try (Proc p = Proc.start("million-parked-" + mode, cmd)) {
                byMode.put(mode, results(p, 5, Duration.ofMinutes(4)));
            } catch (Exception e) {
                h.fail(5, GROUP, e);
                return;
            }
        }
        Map<String, Double> s = byMode.get("sleep");
        Map<String, Double> e = byMode.get("event");
        String note = (n == 1_000_000 ? "" : "scaled from the figure for ") + String.format(java.util.Locale.ROOT,
                "%,d greenlets over %.0f hubs, -Xmx2g, each in Gevent.sleep: %.0f B per greenlet, spawned and parked "
                        + "in %.1f s; each waiting on one Event instead: %.0f MB, %.0f B per greenlet",
                n, s.get("hubs"), s.get("bytes_per_greenlet"), s.get("spawn_s"), e.get("heap_mb"),
                e.get("bytes_per_greenlet"));
        h.add(Result.of(5, MILLION, "MB", true, GROUP, s.get("heap_mb") * 1_000_000.0 / n, note));
    }

    /** Reads {@code count} "RESULT name value" lines. */
    static Map<String, Double> results(Proc p, int count, Duration timeout) throws InterruptedException {
        Map<String, Double> m = new HashMap<>();
        for (int i = 0; i < count; i++) {
            String[] kv = p.awaitLine("RESULT ", timeout).trim().split(" ");
            m.put(kv[0], Double.parseDouble(kv[1]));
        }
        return m;
    }

    static String slug(String contender) {
        return contender.replaceAll("[^A-Za-z0-9]+", "-").toLowerCase();
    }

    // --- servers of workloads 6 and 7 ------------------------------------------------------------------------------

    /** The command that starts contender {@code c}'s server, or null (with a skip recorded) if it cannot run. */
    static List<String> serverCommand(Harness h, int w, String metric, String c, String proto,
                                              double maxSeconds) {
        String max = Double.toString(maxSeconds);
        switch (c) {
            case GEVENT4J:
                return Env.javaCommand(List.of(), SERVERS, proto, "gevent4j", max);
            case AGENT: {
                if (h.agent() == null) {
                    h.add(Result.skipped(w, metric, "", false, c, Env.NO_AGENT));
                    return null;
                }
                // one hub, like the one-loop and one-carrier contenders it is compared with (the default is hubs=cores)
                List<String> cmd = new ArrayList<>(List.of(Env.javaExe(), "-javaagent:" + h.agent() + "=hubs=1"));
                cmd.addAll(List.of("-cp", Env.benchJar(), SERVERS, proto, "threads", max));
                return cmd;
            }
            case VT:
                return Env.javaCommand(List.of(), SERVERS, proto, "vt", max);
            case VT1:
                return Env.javaCommand(List.of("-Djdk.virtualThreadScheduler.parallelism=1"), SERVERS, proto, "vt",
                        max);
            case THREADS:
                return Env.javaCommand(List.of(), SERVERS, proto, "threads", max);
            case NETTY:
                return Env.javaCommand(List.of(), SERVERS, proto, "netty", max);
            case PYTHON:
                if (h.python() == null) {
                    h.add(Result.skipped(w, metric, "", false, c, Env.NO_PYTHON));
                    return null;
                }
                return List.of(h.python(), PY, proto, max);
            default:
                throw new IllegalArgumentException(c);
        }
    }

    private static String note(String c) {
        return switch (c) {
            case GEVENT4J -> "StreamServer: greenlet per connection, java.net sockets, no agent";
            case AGENT -> "platform-thread server code under -javaagent";
            case VT1 -> "jdk.virtualThreadScheduler.parallelism=1";
            case THREADS -> "thread per connection";
            case PYTHON -> "gevent StreamServer";
            default -> "";
        };
    }

    // --- 6: TCP echo --------------------------------------------------------------------------------------------

    static void echo(Harness h) {
        boolean smoke = h.smoke();
        int conns = smoke ? 100 : 1000;
        double warm = smoke ? 0.3 : 2.0;
        double measure = smoke ? 1.0 : 10.0;
        String suffix = smoke ? String.format(" (%d conns, %.0f s)", conns, measure) : "";
        for (String c : Harness.IO_CONTENDERS) {
            List<String> cmd = serverCommand(h, 6, "msgs/s", c, "echo", warm + measure + 60);
            if (cmd == null) {
                continue;
            }
            try (Proc server = Proc.start("echo-server-" + slug(c), cmd)) {
                String port = server.awaitLine("PORT ", Duration.ofSeconds(30)).trim();
                List<String> client = Env.javaCommand(List.of("-Xmx1g", "-XX:+UseParallelGC"),
                        "dev.gevent4j.bench.macro.EchoClient", port, "" + conns, "64", "" + warm, "" + measure);
                try (Proc cl = Proc.start("echo-client-" + slug(c), client)) {
                    cl.awaitLine("START", Duration.ofSeconds(60));
                    double cpu0 = server.cpuSeconds();
                    cl.awaitLine("END", Duration.ofSeconds((long) measure + 30));
                    double cpu = server.cpuSeconds() - cpu0;
                    Map<String, Double> r = results(cl, 4, Duration.ofSeconds(30));
                    String n = note(c) + suffix;
                    if (r.get("msgs") == 0) {
                        throw new IllegalStateException("no message was echoed in the window");
                    }
                    h.add(Result.of(6, "msgs/s", "msg/s", false, c, r.get("msgs_per_s"), n));
                    h.add(Result.of(6, "msgs per server-CPU-second", "msg/cpu-s", false, c,
                            r.get("msgs") / Math.max(cpu, 0.01), String.format("%.2f CPU-s", cpu)));
                    h.add(Result.of(6, "p50 latency", "us", true, c, r.get("p50_us"), ""));
                    h.add(Result.of(6, "p99 latency", "us", true, c, r.get("p99_us"), ""));
                    cl.waitFor(Duration.ofSeconds(20));
                }
            } catch (Exception e) {
                h.fail(6, c, e);
            }
        }
    }

    // --- 11: CPU-bound echo over 1 and N hubs ---------------------------------------------------------------------

    /**
     * Workload 11: the echo client of workload 6 (100 connections, closed loop) against servers that burn a fixed
     * ~150 us of SHA-256 per 64-byte message (Servers.CpuEcho), so the server, not the shared client, is the
     * bottleneck. Each contender runs {@code rounds} times, the contenders interleaved so the machine's other load
     * spreads over all of them; the medians are recorded, every round's figure in the note.
     */
    static void cpuEcho(Harness h) {
        boolean smoke = h.smoke();
        int conns = 100;
        double warm = smoke ? 1.0 : 3.0;
        double measure = smoke ? 2.0 : 10.0;
        int rounds = smoke ? 1 : 5;
        List<String> contenders = List.of(GEVENT4J, GROUP, VT, NETTY_N, AGENT, AGENT_HUBS, AGENT_HUBS_2X);
        int cores = Runtime.getRuntime().availableProcessors();
        Map<String, List<double[]>> runs = new java.util.LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (String c : contenders) {
                List<String> cmd = switch (c) {
                    case GEVENT4J -> Env.javaCommand(List.of(), SERVERS, "cpuecho", "gevent4j", "" + (warm + measure + 60));
                    case GROUP -> Env.javaCommand(List.of(), SERVERS, "cpuecho", "gevent4j-group",
                            "" + (warm + measure + 60));
                    case VT -> Env.javaCommand(List.of(), SERVERS, "cpuecho", "vt", "" + (warm + measure + 60));
                    case NETTY_N -> Env.javaCommand(List.of(), SERVERS, "cpuecho", "netty-n", "" + (warm + measure + 60));
                    case AGENT_HUBS, AGENT_HUBS_2X -> {
                        if (h.agent() == null) {
                            h.add(Result.skipped(11, "msgs/s", "", false, c, Env.NO_AGENT));
                            yield null;
                        }
                        String hubs = c.equals(AGENT_HUBS) ? "cores" : "" + 2 * cores;
                        yield List.of(Env.javaExe(), "-javaagent:" + h.agent() + "=hubs=" + hubs, "-cp", Env.benchJar(),
                                SERVERS, "cpuecho", "threads", "" + (warm + measure + 60));
                    }
                    default -> serverCommand(h, 11, "msgs/s", c, "cpuecho", warm + measure + 60);
                };
                if (cmd == null) {
                    continue; // skipped (recorded by serverCommand)
                }
                try (Proc server = Proc.start("cpuecho-server-" + slug(c) + "-" + round, cmd)) {
                    String port = server.awaitLine("PORT ", Duration.ofSeconds(30)).trim();
                    List<String> client = Env.javaCommand(List.of("-Xmx512m", "-XX:+UseParallelGC"),
                            "dev.gevent4j.bench.macro.EchoClient", port, "" + conns, "64", "" + warm, "" + measure);
                    try (Proc cl = Proc.start("cpuecho-client-" + slug(c) + "-" + round, client)) {
                        cl.awaitLine("START", Duration.ofSeconds(60));
                        double cpu0 = server.cpuSeconds();
                        cl.awaitLine("END", Duration.ofSeconds((long) measure + 30));
                        double cpu = server.cpuSeconds() - cpu0;
                        Map<String, Double> r = results(cl, 4, Duration.ofSeconds(30));
                        if (r.get("msgs") == 0) {
                            throw new IllegalStateException("no message was answered in the window");
                        }
                        runs.computeIfAbsent(c, k -> new ArrayList<>()).add(new double[] {r.get("msgs_per_s"),
                                r.get("msgs") / Math.max(cpu, 0.01), r.get("p50_us"), r.get("p99_us"), cpu});
                        System.out.printf("  round %d %-28s %,.0f msg/s, %,.0f msg/cpu-s, %.2f CPU-s%n", round + 1, c,
                                r.get("msgs_per_s"), r.get("msgs") / Math.max(cpu, 0.01), cpu);
                        cl.waitFor(Duration.ofSeconds(20));
                    }
                } catch (Exception e) {
                    h.fail(11, c, e);
                }
            }
        }
        for (Map.Entry<String, List<double[]>> e : runs.entrySet()) {
            String c = e.getKey();
            List<double[]> rs = e.getValue();
            String what = switch (c) {
                case GEVENT4J -> "StreamServer on 1 hub";
                case GROUP -> "StreamServer.hubs(HubGroup.create()): " + cores + " hubs, SO_REUSEPORT listener each";
                case VT -> "a virtual thread per connection";
                case NETTY_N -> cores + " event loops, digests on the loop";
                case AGENT -> "platform-thread server under -javaagent (one hub)";
                case AGENT_HUBS -> "the same server under -javaagent:...=hubs=cores (" + cores + " hubs)";
                case AGENT_HUBS_2X -> "the same server under -javaagent:...=hubs=" + 2 * cores + " (2 hubs per core)";
                default -> "";
            };
            String n = String.format("median of %d: %s; %s", rs.size(), list(rs, 0), what);
            h.add(Result.of(11, "msgs/s", "msg/s", false, c, median(rs, 0), n));
            h.add(Result.of(11, "msgs per server-CPU-second", "msg/cpu-s", false, c, median(rs, 1),
                    "median of " + list(rs, 1) + "; server CPU-s " + list(rs, 4)));
            h.add(Result.of(11, "p50 latency", "us", true, c, median(rs, 2), list(rs, 2)));
            h.add(Result.of(11, "p99 latency", "us", true, c, median(rs, 3), list(rs, 3)));
        }
    }

    private static double median(List<double[]> rs, int i) {
        double[] v = rs.stream().mapToDouble(r -> r[i]).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String list(List<double[]> rs, int i) {
        return String.join(" / ", rs.stream().map(r -> Report.format(r[i])).toList());
    }

    // --- 9: connect-to-first-echo latency -----------------------------------------------------------------------

    /** Workload 9's contenders: the agent with main on the JVM's main thread (default) and as a greenlet, and the peers. */
    static final String AGENT_MAIN_TRUE = AGENT + ", main=true";

    static void connectLatency(Harness h) {
        boolean smoke = h.smoke();
        int n = smoke ? 300 : 10_000;
        int warm = smoke ? 100 : 2_000;
        String suffix = smoke ? String.format(" (%d connects)", n) : "";
        for (String c : List.of(AGENT, AGENT_MAIN_TRUE, VT, VT1, THREADS, GEVENT4J, NETTY)) {
            List<String> cmd;
            String max = "300";
            if (c.equals(AGENT) || c.equals(AGENT_MAIN_TRUE)) {
                if (h.agent() == null) {
                    h.add(Result.skipped(9, "p99 connect-to-first-echo", "us", true, c, Env.NO_AGENT));
                    continue;
                }
                String opts = c.equals(AGENT) ? "=hubs=1" : "=hubs=1,main=true";
                cmd = List.of(Env.javaExe(), "-javaagent:" + h.agent() + opts, "-cp", Env.benchJar(), SERVERS, "echo",
                        "threads-main", max);
            } else {
                cmd = serverCommand(h, 9, "p99 connect-to-first-echo", c, "echo", 300);
                if (cmd == null) {
                    continue;
                }
            }
            try (Proc server = Proc.start("connect-server-" + slug(c), cmd)) {
                String port = server.awaitLine("PORT ", Duration.ofSeconds(30)).trim();
                List<String> client = Env.javaCommand(List.of(), "dev.gevent4j.bench.macro.ConnectLatencyClient",
                        port, "" + n, "" + warm);
                try (Proc cl = Proc.start("connect-client-" + slug(c), client)) {
                    cl.awaitLine("START", Duration.ofSeconds(120));
                    cl.awaitLine("END", Duration.ofSeconds(240));
                    Map<String, Double> r = results(cl, 4, Duration.ofSeconds(30));
                    String note = (c.equals(AGENT) || c.equals(AGENT_MAIN_TRUE)
                            ? "thread-per-connection server, main loops on accept()" : note(c)) + suffix;
                    h.add(Result.of(9, "p50 connect-to-first-echo", "us", true, c, r.get("p50_us"), note));
                    h.add(Result.of(9, "p99 connect-to-first-echo", "us", true, c, r.get("p99_us"), ""));
                    cl.waitFor(Duration.ofSeconds(20));
                }
            } catch (Exception e) {
                h.fail(9, c, e);
            }
        }
    }

    // --- 7: HTTP hello world with wrk ---------------------------------------------------------------------------

    private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern TOTAL = Pattern.compile("([0-9]+) requests in");
    private static final Pattern P99 = Pattern.compile("\\s99%\\s+([0-9.]+)(us|ms|s)");

    static void http(Harness h) {
        String wrk = Env.wrk();
        boolean smoke = h.smoke();
        int seconds = smoke ? 1 : 10;
        if (wrk == null) {
            for (String c : Harness.IO_CONTENDERS) {
                h.add(Result.skipped(7, "requests/s", "req/s", false, c, "wrk is not installed (apt-get install wrk)"));
            }
            return;
        }
        for (String c : Harness.IO_CONTENDERS) {
            List<String> cmd = serverCommand(h, 7, "requests/s", c, "http", seconds + 60);
            if (cmd == null) {
                continue;
            }
            try (Proc server = Proc.start("http-server-" + slug(c), cmd)) {
                String port = server.awaitLine("PORT ", Duration.ofSeconds(30)).trim();
                String url = "http://127.0.0.1:" + port + "/";
                if (!smoke) {
                    runWrk(wrk, url, 2); // warm-up
                }
                double cpu0 = server.cpuSeconds();
                String out = runWrk(wrk, url, seconds);
                double cpu = server.cpuSeconds() - cpu0;
                Matcher rps = RPS.matcher(out);
                Matcher total = TOTAL.matcher(out);
                Matcher p99 = P99.matcher(out);
                if (!rps.find() || !total.find() || !p99.find()) {
                    throw new IllegalStateException("cannot read wrk's output: " + out);
                }
                double p99us = Double.parseDouble(p99.group(1)) * switch (p99.group(2)) {
                    case "us" -> 1;
                    case "ms" -> 1_000;
                    default -> 1_000_000;
                };
                String n = note(c);
                h.add(Result.of(7, "requests/s", "req/s", false, c, Double.parseDouble(rps.group(1)), n));
                h.add(Result.of(7, "requests per server-CPU-second", "req/cpu-s", false, c,
                        Long.parseLong(total.group(1)) / Math.max(cpu, 0.01), String.format("%.2f CPU-s", cpu)));
                h.add(Result.of(7, "p99 latency", "us", true, c, p99us, ""));
                if (out.contains("Non-2xx") || out.contains("Socket errors")) {
                    System.out.println("  note: wrk reported errors for " + c + ": "
                            + out.lines().filter(l -> l.contains("errors") || l.contains("Non-2xx")).toList());
                }
            } catch (Exception e) {
                h.fail(7, c, e);
            }
        }
    }

    private static String runWrk(String wrk, String url, int seconds) throws Exception {
        try (Proc p = Proc.start("wrk", List.of(wrk, "-t1", "-c100", "-d" + seconds + "s", "--latency", url))) {
            return p.readAll(Duration.ofSeconds(seconds + 30));
        }
    }

    // --- 8: pgjdbc fan-out ----------------------------------------------------------------------------------------

    static void pgFanOut(Harness h) {
        String metric = "wall time";
        int tasks = h.smoke() ? 20 : 90;
        String sleep = h.smoke() ? "0.05" : "0.2";
        String main = "dev.gevent4j.bench.macro.PgFanOut";
        PgServer pg;
        try {
            pg = PgServer.open();
        } catch (Exception e) {
            h.fail(8, "PostgreSQL", e);
            return;
        }
        try (pg) {
            System.out.println("  server: " + pg.description());
            pgFanOut(h, pg, metric, tasks, sleep, main);
        } catch (Exception e) {
            h.fail(8, "stopping PostgreSQL", e);
        }
    }

    private static void pgFanOut(Harness h, PgServer pg, String metric, int tasks, String sleep, String main) {
        String url = pg.url();
        String user = pg.user();
        String pw = pg.password();
        String suffix = (h.smoke() ? String.format("; %d x pg_sleep(%s)", tasks, sleep) : "") + "; "
                + pg.description();
        for (String c : List.of(AGENT, GEVENT4J, VT, THREADS)) {
            List<String> cmd;
            String note;
            switch (c) {
                case AGENT -> {
                    if (h.agent() == null) {
                        h.add(Result.skipped(8, metric, "s", true, c, Env.NO_AGENT));
                        continue;
                    }
                    cmd = new ArrayList<>(List.of(Env.javaExe(), "-javaagent:" + h.agent() + "=hubs=1", "-cp",
                            Env.benchJar(), main, "threads", "" + tasks, sleep, url, user, pw));
                    note = "a plain thread per query, under -javaagent";
                }
                case GEVENT4J -> {
                    cmd = Env.javaCommand(List.of(), main, "gevent4j", "" + tasks, sleep, url, user, pw);
                    note = "a greenlet per query, no agent";
                }
                case VT -> {
                    cmd = Env.javaCommand(List.of(), main, "vt", "" + tasks, sleep, url, user, pw);
                    note = "a virtual thread per query";
                }
                default -> {
                    cmd = Env.javaCommand(List.of(), main, "pool10", "" + tasks, sleep, url, user, pw);
                    note = "fixed pool of 10 platform threads";
                }
            }
            try (Proc p = Proc.start("pg-" + slug(c), cmd)) {
                Map<String, Double> r = results(p, 1, Duration.ofSeconds(60));
                h.add(Result.of(8, metric, "s", true, c == THREADS ? "platform threads (pool of 10)" : c,
                        r.get("wall_s"), note + suffix));
            } catch (Exception e) {
                h.fail(8, c, e);
            }
        }
    }
}
