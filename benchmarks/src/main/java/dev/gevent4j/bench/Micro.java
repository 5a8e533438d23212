package dev.gevent4j.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs one JMH benchmark class of the micro workloads (1-4) and turns each method's iterations into the median
 * score, as the harness reports it. Each method runs in its own forked JVM with the gevent4j flags (see the
 * class's {@code @Fork}).
 *
 * <pre>{@code
 * Map<String, Double> medians = Micro.run("SpawnJoinBenchmark", smoke);   // method -> median ns/op
 * }</pre>
 *
 * <p>Timeout: bounded by JMH's iteration counts and times (a smoke run uses one short iteration). A failing
 * benchmark fails the whole run with JMH's error. Interrupt: JMH stops its forks.
 */
final class Micro {
    private Micro() {}

    static Map<String, Double> run(String benchmarkClass, boolean smoke) throws RunnerException {
        return run(benchmarkClass, smoke, 0, null);
    }

    /**
     * Like {@link #run(String, boolean)}, with {@code forks} forks per method (0: the class's {@code @Fork}); the
     * score is then the median of the forks' medians. If {@code allocated} is not null, JMH's GC profiler runs too
     * and {@code allocated} receives each method's median bytes allocated per operation ({@code gc.alloc.rate.norm}).
     */
    static Map<String, Double> run(String benchmarkClass, boolean smoke, int forks, Map<String, Double> allocated)
            throws RunnerException {
        ChainedOptionsBuilder o = new OptionsBuilder()
                .include("dev\\.gevent4j\\.bench\\.micro\\." + benchmarkClass + "\\.")
                .shouldFailOnError(true)
                .verbosity(smoke ? VerboseMode.SILENT : VerboseMode.NORMAL)
                .jvm(Env.javaExe());
        if (smoke) {
            o.forks(1).warmupIterations(0).measurementIterations(1).measurementTime(TimeValue.milliseconds(100));
        } else if (forks > 0) {
            o.forks(forks);
        }
        if (allocated != null) {
            o.addProfiler(org.openjdk.jmh.profile.GCProfiler.class);
        }
        Collection<RunResult> results = new Runner(o.build()).run();
        Map<String, Double> medians = new java.util.LinkedHashMap<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            String method = name.substring(name.lastIndexOf('.') + 1);
            List<Double> forkMedians = new ArrayList<>();
            List<Double> alloc = new ArrayList<>();
            for (BenchmarkResult br : r.getBenchmarkResults()) {
                List<Double> scores = new ArrayList<>();
                for (IterationResult ir : br.getIterationResults()) {
                    scores.add(ir.getPrimaryResult().getScore());
                    ir.getSecondaryResults().forEach((k, v) -> {
                        if (k.endsWith("gc.alloc.rate.norm")) {
                            alloc.add(v.getScore());
                        }
                    });
                }
                forkMedians.add(median(scores));
            }
            medians.put(method, median(forkMedians));
            if (allocated != null && !alloc.isEmpty()) {
                allocated.put(method, median(alloc));
            }
        }
        return medians;
    }

    static double median(List<Double> xs) {
        if (xs.isEmpty()) {
            return Double.NaN;
        }
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
