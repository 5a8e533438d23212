package dev.gevent4j.internal.agent;

/**
 * {@code -Dgevent4j.agent.timing=true}: how long each step of the agent's start-up took, printed on stderr when
 * premain ends (docs/agent.md, "Start-up cost", was measured with it). Off, each call is one static boolean test.
 *
 * <pre>{@code
 * StartupTiming.step("boot jar");                     // the time since the previous step
 * StartupTiming.add(StartupTiming.BYTE_BUDDY, nanos); // time inside the transformer, summed over classes
 * }</pre>
 *
 * <p>Only premain's thread writes the steps; the sums are written by whichever thread runs the transformer, which
 * during premain is premain's.
 */
final class StartupTiming {
    static final boolean ON = Boolean.getBoolean("gevent4j.agent.timing");
    /** Summed time of the transformer in Byte Buddy (its set-up and the inlining of advice). */
    static final int BYTE_BUDDY = 0;
    /** Summed time of the transformer reading and writing the cache. */
    static final int CACHE = 1;

    private static final StringBuilder OUT = ON ? new StringBuilder() : null;
    private static final long[] SUMS = new long[2];
    private static long last = System.nanoTime();

    private StartupTiming() {}

    static void step(String name) {
        if (ON) {
            long now = System.nanoTime();
            line(name, now - last);
            last = now;
        }
    }

    static void add(int which, long nanos) {
        if (ON) {
            SUMS[which] += nanos;
        }
    }

    /** Prints the steps, then the transformer's sums. */
    static void print() {
        if (ON) {
            line("  of which the transformer in Byte Buddy", SUMS[BYTE_BUDDY]);
            line("  of which the transformer reading/writing the cache", SUMS[CACHE]);
            System.err.print(OUT);
        }
    }

    private static void line(String name, long nanos) {
        OUT.append("gevent4j agent: start-up ").append(name).append(": ")
                .append(String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e6)).append(" ms\n");
    }
}
