package dev.gevent4j.bench;

/**
 * One figure of the harness: a contender's value for one metric of one workload, or a skip with its reason.
 *
 * <pre>{@code
 * Result r = Result.of(1, "spawn + join", "ns/task", true, "gevent4j", 950.0, "");
 * }</pre>
 *
 * <p>A plain value object: no timeout, interrupt or kill applies.
 */
public record Result(int workload, String metric, String unit, boolean lowerIsBetter, String contender,
                     double value, String note) {

    public static Result of(int workload, String metric, String unit, boolean lowerIsBetter, String contender,
                            double value, String note) {
        return new Result(workload, metric, unit, lowerIsBetter, contender, value, note == null ? "" : note);
    }

    /** A contender that could not run here; {@code why} says what is missing and how to get it. */
    public static Result skipped(int workload, String metric, String unit, boolean lowerIsBetter, String contender,
                                 String why) {
        return new Result(workload, metric, unit, lowerIsBetter, contender, Double.NaN, "skipped: " + why);
    }

    public boolean isSkipped() {
        return Double.isNaN(value);
    }
}
