package dev.gevent4j.bench;

import static dev.gevent4j.bench.Contenders.AGENT;
import static dev.gevent4j.bench.Contenders.GEVENT4J;
import static dev.gevent4j.bench.Contenders.NETTY;
import static dev.gevent4j.bench.Contenders.PYTHON;
import static dev.gevent4j.bench.Contenders.THREADS;
import static dev.gevent4j.bench.Contenders.VT;
import static dev.gevent4j.bench.Contenders.VT1;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The side-by-side benchmark harness: runs each workload on each contender on the machine it runs on, prints a
 * table with every figure and its ratio to gevent4j, and writes RESULTS.md and an SVG chart. Started by
 * {@code benchmarks/run}, which builds the jar and installs the peers (python3-gevent, wrk) first.
 *
 * <pre>{@code
 * benchmarks/run                 # every workload, about 10 minutes; writes benchmarks/RESULTS.md + results.svg
 * benchmarks/run --workload 6    # one workload (or a list: 1,2,5)
 * benchmarks/run --smoke         # seconds per workload; writes under benchmarks/target/smoke/
 * }</pre>
 *
 * <p>Every child process is bounded in time (servers exit by themselves; the harness destroys them after use).
 * A contender whose tool is missing is reported as skipped with the reason; a contender that fails is reported as
 * failed and makes the exit status 1, so CI notices a broken harness but never a slow number. Interrupt (Ctrl-C)
 * ends the JVM; the child processes end by their own time limit.
 */
public final class Harness {
    static final Map<Integer, String> TITLES = new LinkedHashMap<>();

    static {
        TITLES.put(1, "spawn + join of 100,000 tasks that each yield once");
        TITLES.put(2, "yield round trip between two tasks");
        TITLES.put(3, "queue ping-pong between two tasks");
        TITLES.put(4, "skynet: a tree of 1,000,000 leaf tasks summing their ordinals");
        TITLES.put(5, "sleep fan-out: 100,000 tasks each sleeping 1 s; 1,000,000 parked across a HubGroup");
        TITLES.put(6, "TCP echo: 1,000 connections, 64-byte messages, closed loop");
        TITLES.put(7, "HTTP hello world with wrk: 100 connections");
        TITLES.put(8, "blocking-client fan-out: 90 x SELECT pg_sleep(0.2) through pgjdbc");
        TITLES.put(9, "connect-to-first-echo latency: 10,000 new connections, one at a time");
        TITLES.put(10, "JVM start-up: hello world, plain and with -javaagent:gevent4j-agent.jar");
        TITLES.put(11, "CPU-bound echo: 100 connections, 64-byte messages, ~150 us of SHA-256 each, 1 vs N hubs");
        TITLES.put(12, "syscalls per echoed message: 100 connections, 64-byte messages, perf syscall tracepoints");
    }

    private final boolean smoke;
    private final List<Result> results = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private final String python;
    private final Path agent;

    private Harness(boolean smoke) {
        this.smoke = smoke;
        this.python = Env.python();
        this.agent = Env.agentJar();
    }

    public static void main(String[] args) throws Exception {
        boolean smoke = false;
        Set<Integer> only = new TreeSet<>(TITLES.keySet());
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--smoke" -> smoke = true;
                case "--workload", "-w" -> {
                    if (i + 1 >= args.length) {
                        usage("--workload needs a number or a list such as 1,2,5");
                    }
                    only = new TreeSet<>();
                    for (String s : args[++i].split(",")) {
                        try {
                            int w = Integer.parseInt(s.trim());
                            if (!TITLES.containsKey(w)) {
                                usage("unknown workload " + w + ": use 1 to " + TITLES.size());
                            }
                            only.add(w);
                        } catch (NumberFormatException e) {
                            usage("--workload " + args[i] + ": use a number or a list such as 1,2,5");
                        }
                    }
                }
                case "--out" -> {
                    if (i + 1 >= args.length) {
                        usage("--out needs a file name");
                    }
                    out = Path.of(args[++i]);
                }
                case "-h", "--help" -> usage(null);
                default -> usage("unknown argument " + args[i]);
            }
        }
        boolean full = !smoke && only.equals(TITLES.keySet());
        if (out == null) {
            out = full ? Path.of("benchmarks", "RESULTS.md")
                    : Path.of("benchmarks", "target", smoke ? "smoke" : "partial", "RESULTS.md");
        }
        Harness h = new Harness(smoke);
        String loadBefore = Env.loadAverage();
        long t0 = System.nanoTime();
        for (int w : only) {
            h.runWorkload(w);
        }
        double minutes = (System.nanoTime() - t0) / 60e9;
        h.printTable();
        Report.write(out, h.results, only, smoke, minutes, h.python, loadBefore);
        System.out.printf("%nwrote %s and %s (%.1f min)%n", out, Report.svgPath(out), minutes);
        if (!h.failures.isEmpty()) {
            System.out.println("FAILED contenders (the harness or a contender is broken):");
            h.failures.forEach(f -> System.out.println("  " + f));
            System.exit(1);
        }
    }

    private static void usage(String error) {
        if (error != null) {
            System.err.println("benchmarks/run: " + error);
        }
        System.err.println("usage: benchmarks/run [--smoke] [--workload N[,N...]] [--out FILE]");
        System.err.println("workloads:");
        TITLES.forEach((k, v) -> System.err.println("  " + k + "  " + v));
        System.exit(error == null ? 0 : 2);
    }

    private void runWorkload(int w) {
        System.out.printf("%n=== workload %d: %s%s%n", w, TITLES.get(w), smoke ? " (smoke)" : "");
        try {
            switch (w) {
                case 1 -> spawnJoin();
                case 2 -> roundTrip();
                case 3 -> queuePingPong();
                case 4 -> skynet();
                case 5 -> {
                    Macro.sleepFanOut(this);
                    Macro.millionParked(this);
                }
                case 6 -> Macro.echo(this);
                case 7 -> Macro.http(this);
                case 8 -> Macro.pgFanOut(this);
                case 9 -> Macro.connectLatency(this);
                case 10 -> Startup.run(this);
                case 11 -> Macro.cpuEcho(this);
                case 12 -> Syscalls.run(this);
                default -> throw new IllegalArgumentException("workload " + w);
            }
        } catch (Exception e) {
            fail(w, "workload " + w, e);
        }
    }

    // --- recording --------------------------------------------------------------------------------------------

    boolean smoke() {
        return smoke;
    }

    String python() {
        return python;
    }

    Path agent() {
        return agent;
    }

    void add(Result r) {
        results.add(r);
        System.out.printf("  %-24s %-34s %s%n", r.contender(), r.metric(),
                r.isSkipped() ? r.note() : Report.format(r.value()) + " " + r.unit()
                        + (r.note().isEmpty() ? "" : "  (" + r.note() + ")"));
    }

    void fail(int w, String what, Exception e) {
        String msg = what + ": " + e;
        failures.add(msg);
        results.add(new Result(w, "(failure)", "", true, what, Double.NaN, "failed: " + e.getMessage()));
        System.out.println("  FAILED " + msg);
    }

    // --- micro workloads (JMH + Python) ------------------------------------------------------------------------

    private static final Map<String, String> JMH_CONTENDERS = Map.of("gevent4j", GEVENT4J,
            "gevent4jJuc", GEVENT4J + " (j.u.c. queue)", "virtualThreads", VT, "virtualThreadsOneCarrier", VT1,
            "platformThreads", THREADS, "gevent4jParallelGC", GEVENT4J + " (ParallelGC)",
            "virtualThreadsParallelGC", VT + " (ParallelGC)", "virtualThreadsFifo", VT + " (1-thread FIFO scheduler)");

    private void jmh(int w, String benchClass, String metric, String unit, Map<String, String> notes)
            throws Exception {
        jmh(w, benchClass, metric, unit, notes, Micro.run(benchClass, smoke));
    }

    private void jmh(int w, String benchClass, String metric, String unit, Map<String, String> notes,
                     Map<String, Double> m) {
        for (String method : List.of("gevent4j", "gevent4jJuc", "virtualThreads", "virtualThreadsOneCarrier",
                "platformThreads", "gevent4jParallelGC", "virtualThreadsParallelGC", "virtualThreadsFifo")) {
            if (m.containsKey(method)) {
                add(Result.of(w, metric, unit, true, JMH_CONTENDERS.get(method), m.get(method),
                        notes.getOrDefault(method, "")));
            }
        }
    }

    private void pythonMicro(int w, String metric, String unit, String note, String... args) {
        if (python == null) {
            add(Result.skipped(w, metric, unit, true, PYTHON, Env.NO_PYTHON));
            return;
        }
        try {
            List<String> cmd = new ArrayList<>(List.of(python, "benchmarks/python/gevent_bench.py"));
            cmd.addAll(List.of(args));
            try (Proc p = Proc.start("python-w" + w, cmd)) {
                double v = Double.parseDouble(p.awaitLine("RESULT ", Duration.ofMinutes(3)).split(" ")[1]);
                add(Result.of(w, metric, unit, true, PYTHON, v, note));
            }
        } catch (Exception e) {
            fail(w, PYTHON, e);
        }
    }

    private void spawnJoin() throws Exception {
        String metric = "spawn + join";
        // issue 15: medians of 3 forks (G1 tips in and out of a bad regime between forks), and bytes allocated
        Map<String, Double> alloc = new HashMap<>();
        Map<String, Double> m = Micro.run("SpawnJoinBenchmark", smoke, 3, alloc);
        String forks = smoke ? "" : "median of 3 forks";
        jmh(1, "SpawnJoinBenchmark", metric, "ns/task", Map.of("platformThreads", "1,000 tasks per run",
                "gevent4j", forks, "virtualThreads", forks,
                "gevent4jParallelGC", "-XX:+UseParallelGC; " + forks,
                "virtualThreadsParallelGC", "-XX:+UseParallelGC; " + forks,
                "virtualThreadsFifo", "gevent4j's semantics: one thread, FIFO, 100,000 parked at once; " + forks), m);
        jmh(1, "SpawnJoinBenchmark", ALLOCATED, "B/task", Map.of("platformThreads", "1,000 tasks per run",
                "virtualThreadsFifo", "the bare reference: what a JDK virtual thread costs on a FIFO scheduler"),
                alloc);
        int n = smoke ? 10_000 : 100_000;
        pythonMicro(1, metric, "ns/task", n == 100_000 ? "" : n + " tasks", "spawn", "" + n, smoke ? "1" : "3");
        cpuPerTask(1, "spawn", "spawn + join, process CPU", "ns/task");
    }

    /** Process CPU time per task of workloads 1 and 2 (see CpuPerTask), for gevent4j and virtual threads. */
    private void cpuPerTask(int w, String what, String metric, String unit) {
        for (String c : List.of(GEVENT4J, VT, VT1)) {
            List<String> jvm = c.equals(VT1) ? List.of("-Djdk.virtualThreadScheduler.parallelism=1") : List.of();
            List<String> cmd = Env.javaCommand(jvm, "dev.gevent4j.bench.macro.CpuPerTask", what,
                    c.equals(GEVENT4J) ? "gevent4j" : "vt", smoke ? "2" : "12");
            try (Proc p = Proc.start("cpu-" + what + "-" + Macro.slug(c), cmd)) {
                double cpu = Double.parseDouble(p.awaitLine("RESULT cpu_ns ", Duration.ofMinutes(3)).trim());
                double wall = Double.parseDouble(p.awaitLine("RESULT wall_ns ", Duration.ofMinutes(1)).trim());
                add(Result.of(w, metric, unit, true, c, cpu, String.format("wall %s ns", Report.format(wall))));
            } catch (Exception e) {
                fail(w, c, e);
            }
        }
    }

    /** Workload 1's second metric: JMH's gc.alloc.rate.norm. */
    static final String ALLOCATED = "allocated per spawn + join";

    private void roundTrip() throws Exception {
        String metric = "round trip";
        jmh(2, "RoundTripBenchmark", metric, "ns", Map.of("gevent4j", "sleep(0)",
                "virtualThreads", "Thread.yield", "virtualThreadsOneCarrier", "Thread.yield",
                "platformThreads", "Thread.yield, 2 cores: not a hand-off"));
        pythonMicro(2, metric, "ns", "sleep(0)", "sleep0", smoke ? "2000" : "20000", smoke ? "1" : "5");
        cpuPerTask(2, "roundtrip", "round trip, process CPU", "ns");
    }

    private void queuePingPong() throws Exception {
        String metric = "queue round trip";
        jmh(3, "QueuePingPongBenchmark", metric, "ns", Map.of("gevent4j", "dev.gevent4j.queue.Queue",
                "gevent4jJuc", "LinkedBlockingQueue on greenlets", "virtualThreads", "LinkedBlockingQueue",
                "virtualThreadsOneCarrier", "LinkedBlockingQueue", "platformThreads", "LinkedBlockingQueue"));
        pythonMicro(3, metric, "ns", "gevent.queue.Queue", "queue", smoke ? "2000" : "20000", smoke ? "1" : "5");
        String ev = "event fan-out";
        jmh(3, "EventFanOutBenchmark", ev, "ns/waiter", Map.of("gevent4j", "dev.gevent4j.event.Event",
                "virtualThreads", "CountDownLatch"));
        pythonMicro(3, ev, "ns/waiter", "gevent.event.Event", "event", "1000", smoke ? "3" : "20");
    }

    private void skynet() throws Exception {
        String metric = "skynet";
        jmh(4, "SkynetBenchmark", metric, "ns/task", Map.of("platformThreads", "10,000 leaves (11,111 tasks)"));
        int leaves = smoke ? 10_000 : 100_000;
        pythonMicro(4, metric, "ns/task", String.format("%,d leaves", leaves), "skynet", "" + leaves,
                smoke ? "1" : "3");
    }

    // --- the table --------------------------------------------------------------------------------------------

    private void printTable() {
        System.out.printf("%n%-3s %-30s %-24s %14s %-9s %9s%n", "w", "metric", "contender", "value", "unit",
                "/gevent4j");
        Map<String, Double> g = new HashMap<>();
        for (Result r : results) {
            if (r.contender().equals(GEVENT4J) && !r.isSkipped()) {
                g.put(r.workload() + "|" + r.metric(), r.value());
            }
        }
        for (Result r : results) {
            Double base = g.get(r.workload() + "|" + r.metric());
            String ratio = r.isSkipped() || base == null ? "" : String.format("%.2fx", r.value() / base);
            System.out.printf("%-3d %-30s %-24s %14s %-9s %9s%n", r.workload(), r.metric(), r.contender(),
                    r.isSkipped() ? "-" : Report.format(r.value()), r.unit(), ratio);
        }
    }

    /** Contender list for the IO workloads, in table order. */
    static final List<String> IO_CONTENDERS = List.of(GEVENT4J, AGENT, VT, VT1, THREADS, NETTY, PYTHON);
}
