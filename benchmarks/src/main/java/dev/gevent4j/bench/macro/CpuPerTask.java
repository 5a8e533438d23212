package dev.gevent4j.bench.macro;

import dev.gevent4j.Gevent;
import dev.gevent4j.Greenlet;
import dev.gevent4j.Hub;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * CPU cost of workloads 1 and 2, one contender per JVM: the process's CPU time (all threads: hub or carriers, the
 * spawner, GC, JIT) per task or per round trip, median of the later half of R repetitions. On a busy machine this
 * is steadier than wall time, and it does not reward a scheduler for using two cores where a hub uses one.
 *
 * <pre>{@code
 * java <gevent4j flags> -cp benchmarks.jar dev.gevent4j.bench.macro.CpuPerTask spawn gevent4j 20
 * }</pre>
 *
 * <p>Prints {@code RESULT cpu_ns X} and {@code RESULT wall_ns Y}. Every task ends by itself: no timeout,
 * interrupt or kill.
 */
public final class CpuPerTask {
    private CpuPerTask() {}

    static final int N = 100_000;
    static final int ROUNDS = 100_000;

    public static void main(String[] args) throws Exception {
        String what = args[0];
        String who = args[1];
        int reps = Integer.parseInt(args[2]);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        int per = what.equals("spawn") ? N : ROUNDS;
        List<Double> cpu = new ArrayList<>();
        List<Double> wall = new ArrayList<>();
        try (Hub hub = who.equals("gevent4j") ? Hub.create("cpu-hub") : null) {
            for (int r = 0; r < reps; r++) {
                long c0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                if (hub != null) {
                    hub.spawn(what.equals("spawn") ? CpuPerTask::greenletSpawn : CpuPerTask::greenletRoundTrip).get();
                } else if (what.equals("spawn")) {
                    Thread[] ts = new Thread[N];
                    for (int i = 0; i < N; i++) {
                        ts[i] = Thread.startVirtualThread(Thread::yield);
                    }
                    for (Thread t : ts) {
                        t.join();
                    }
                } else {
                    Thread a = Thread.startVirtualThread(CpuPerTask::yieldLoop);
                    Thread b = Thread.startVirtualThread(CpuPerTask::yieldLoop);
                    a.join();
                    b.join();
                }
                long c1 = os.getProcessCpuTime();
                long t1 = System.nanoTime();
                if (r >= reps / 2) {
                    cpu.add((c1 - c0) / (double) per);
                    wall.add((t1 - t0) / (double) per);
                }
            }
        }
        Collections.sort(cpu);
        Collections.sort(wall);
        System.out.println("RESULT cpu_ns " + cpu.get(cpu.size() / 2));
        System.out.println("RESULT wall_ns " + wall.get(wall.size() / 2));
    }

    private static int greenletSpawn() {
        List<Greenlet<?>> gs = new ArrayList<>(N);
        for (int i = 0; i < N; i++) {
            gs.add(Gevent.spawn(() -> Gevent.sleep(0)));
        }
        return Gevent.joinAll(gs).size();
    }

    private static int greenletRoundTrip() {
        Greenlet<Void> a = Gevent.spawn(CpuPerTask::sleep0Loop);
        Greenlet<Void> b = Gevent.spawn(CpuPerTask::sleep0Loop);
        return Gevent.joinAll(List.of(a, b)).size();
    }

    private static void sleep0Loop() {
        for (int i = 0; i < ROUNDS; i++) {
            Gevent.sleep(0);
        }
    }

    private static void yieldLoop() {
        for (int i = 0; i < ROUNDS; i++) {
            Thread.yield();
        }
    }
}
