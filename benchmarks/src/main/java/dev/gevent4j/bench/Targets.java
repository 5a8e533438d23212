package dev.gevent4j.bench;

import java.util.List;
import java.util.Locale;

/**
 * The speed and footprint targets of issues 2, 6, 13, 15 and 18, checked against one run's figures (reported, never
 * enforced).
 *
 * <pre>{@code
 * String md = Targets.markdown(results);   // a table: target, measured ratio, met or missed
 * }</pre>
 *
 * <p>Pure computation: no timeout, interrupt or kill applies.
 */
final class Targets {
    private Targets() {}

    /**
     * {@code self}'s figure against {@code other}'s: their ratio, or with {@code difference} their difference, within
     * {@code bound} (at most or at least); {@code other} null: {@code self}'s own figure.
     */
    private record Target(int workload, String metric, String self, String other, double bound, boolean atMost,
                          boolean difference, String text) {
        Target(int workload, String metric, String other, double bound, boolean atMost, String text) {
            this(workload, metric, Contenders.GEVENT4J, other, bound, atMost, false, text);
        }

        Target(int workload, String metric, String self, String other, double bound, boolean atMost, String text) {
            this(workload, metric, self, other, bound, atMost, false, text);
        }
    }

    private static final List<Target> TARGETS = List.of(
            new Target(1, "spawn + join", Contenders.VT, 1.0, true,
                    "spawn+join: gevent4j <= 1.0x virtual threads (default scheduler)"),
            new Target(1, "spawn + join", Contenders.PYTHON, 1 / 30.0, true,
                    "spawn+join: gevent4j >= 30x faster than Python gevent"),
            new Target(2, "round trip", Contenders.VT, 1.0, true,
                    "round trip: gevent4j sleep(0) <= 1.0x VT Thread.yield (default scheduler)"),
            new Target(2, "round trip", null, 300, true, "round trip: gevent4j <= 300 ns"),
            new Target(1, "spawn + join", Contenders.GEVENT4J + " (ParallelGC)", Contenders.VT + " (ParallelGC)",
                    1.0, true, "spawn+join under ParallelGC: gevent4j <= 1.0x VT (default scheduler; issue 15)"),
            new Target(1, "spawn + join", Contenders.VT, 1.25, true,
                    "spawn+join under G1: gevent4j <= 1.25x VT (default scheduler; issue 15)"),
            new Target(1, Harness.ALLOCATED, Contenders.GEVENT4J, Contenders.VT + " (1-thread FIFO scheduler)", 100,
                    true, true, "bytes allocated per spawn+join: gevent4j <= bare FIFO virtual threads + 100 B "
                    + "(issue 15)"),
            new Target(5, "heap per parked task", null, 2048, true, "heap per parked greenlet <= 2 KB"),
            new Target(5, "heap per parked task", null, 800, true, "heap per parked greenlet <= 800 B (issue 15)"),
            new Target(5, Macro.MILLION, Contenders.GROUP, null, 2000, true, false,
                    "1,000,000 parked greenlets across a HubGroup: <= 2 GB of heap (issue 15)"),
            new Target(6, "msgs per server-CPU-second", Contenders.VT, 1.5, false,
                    "echo msgs per server-CPU-s: gevent4j >= 1.5x VT (default scheduler)"),
            new Target(6, "msgs per server-CPU-second", Contenders.VT1, 1.1, false,
                    "echo msgs per server-CPU-s: gevent4j >= 1.1x VT (1 carrier)"),
            new Target(6, "msgs per server-CPU-second", Contenders.NETTY, 0.85, false,
                    "echo msgs per server-CPU-s: gevent4j >= 0.85x raw Netty (1 loop)"),
            new Target(6, "msgs per server-CPU-second", Contenders.AGENT, Contenders.VT, 1.5, false,
                    "echo msgs per server-CPU-s: the agent's unmodified server >= 1.5x VT (default scheduler)"),
            new Target(6, "msgs per server-CPU-second", Contenders.AGENT, Contenders.VT1, 1.1, false,
                    "echo msgs per server-CPU-s: the agent's unmodified server >= 1.1x VT (1 carrier)"),
            new Target(6, "msgs per server-CPU-second", Contenders.AGENT, Contenders.NETTY, 0.85, false,
                    "echo msgs per server-CPU-s: the agent's unmodified server >= 0.85x raw Netty (1 loop)"),
            new Target(7, "requests per server-CPU-second", Contenders.NETTY, 0.8, false,
                    "HTTP requests per server-CPU-s: gevent4j >= 0.8x raw Netty (1 loop)"),
            new Target(7, "requests per server-CPU-second", Contenders.AGENT, Contenders.NETTY, 0.8, false,
                    "HTTP requests per server-CPU-s: the agent's unmodified server >= 0.8x raw Netty (1 loop)"),
            new Target(Syscalls.WORKLOAD, "syscalls per message", Contenders.GEVENT4J, Contenders.NETTY, 0.5, true,
                    true, "syscalls per echoed message: gevent4j <= raw Netty + 0.5"),
            new Target(Syscalls.WORKLOAD, "syscalls per message", Contenders.AGENT, Contenders.NETTY, 0.5, true,
                    true, "syscalls per echoed message: the agent's unmodified server <= raw Netty + 0.5"),
            new Target(10, Startup.COST, Startup.WARM, null, 300, true,
                    "agent start-up: <= +300 ms over a plain JVM (hello world, default options; issue 18)"));

    static String markdown(List<Result> results) {
        StringBuilder sb = new StringBuilder("### Targets (issues 2, 6, 13, 15 and 18; measured in this run)\n\n");
        sb.append("| target | measured | verdict |\n|---|---:|---|\n");
        for (Target t : TARGETS) {
            Double g = value(results, t.workload, t.metric, t.self);
            Double o = t.other == null ? Double.valueOf(1.0) : value(results, t.workload, t.metric, t.other);
            if (g == null || o == null) {
                continue;
            }
            double measured = t.other == null ? g : t.difference ? g - o : g / o;
            boolean met = t.atMost ? measured <= t.bound : measured >= t.bound;
            String shown = t.other == null ? Report.format(measured)
                    : t.difference ? String.format(Locale.ROOT, "%+.2f", measured)
                    : String.format(Locale.ROOT, "%.2fx", measured)
                    + (t.bound < 1 && t.atMost ? String.format(Locale.ROOT, " (%.0fx faster)", 1 / measured) : "");
            String verdict;
            if (met) {
                verdict = "met";
            } else if (t.difference) {
                verdict = String.format(Locale.ROOT, "MISSED by %.2f", measured - t.bound);
            } else if (t.atMost) {
                verdict = String.format(Locale.ROOT, "MISSED by %.0f%%", (measured / t.bound - 1) * 100);
            } else {
                verdict = String.format(Locale.ROOT, "MISSED by %.0f%%", (1 - measured / t.bound) * 100);
            }
            sb.append("| ").append(t.text).append(" | ").append(shown).append(" | ").append(verdict).append(" |\n");
        }
        return sb.append('\n').toString();
    }

    private static Double value(List<Result> results, int w, String metric, String contender) {
        for (Result r : results) {
            if (r.workload() == w && r.metric().equals(metric) && r.contender().equals(contender) && !r.isSkipped()) {
                return r.value();
            }
        }
        return null;
    }
}
