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

    private static final String[] NAMES = ON ? new String[32] : null;
    private static final long[] NANOS = ON ? new long[32] : null;
    private static final long[] SUMS = new long[2];
    private static int steps;
    private static long last = System.nanoTime();

    private StartupTiming() {}

    /** Records {@code name} with the time since the previous step (formatted only when printed, so as not to cost). */
    static void step(String name) {
        if (ON && steps < NAMES.length) {
            long now = System.nanoTime();
            NAMES[steps] = name;
            NANOS[steps++] = now - last;
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
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < steps; i++) {
                line(out, NAMES[i], NANOS[i]);
            }
            line(out, "  of which the transformer in Byte Buddy", SUMS[BYTE_BUDDY]);
            line(out, "  of which the transformer reading/writing the cache", SUMS[CACHE]);
            System.err.print(out);
        }
    }

    private static void line(StringBuilder out, String name, long nanos) {
        out.append("gevent4j agent: start-up ").append(name).append(": ")
                .append(String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e6)).append(" ms\n");
    }
}
