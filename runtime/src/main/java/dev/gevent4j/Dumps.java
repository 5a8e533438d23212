package dev.gevent4j;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The text of {@link Gevent#dump()}: every hub, and every live greenlet with its name, state, what it waits on,
 * its parent and its stack (gevent's {@code print_run_info}).
 */
final class Dumps {
    private static final int MAX_FRAMES = 64;

    private Dumps() {}

    static String dumpAll() {
        StringBuilder sb = new StringBuilder();
        List<Hub> hubs = new ArrayList<>(Hub.ALL);
        hubs.sort(Comparator.comparing(Hub::getName));
        sb.append("gevent4j: ").append(hubs.size()).append(" hub(s)\n");
        for (Hub h : hubs) {
            sb.append(dumpHub(h));
        }
        return sb.toString();
    }

    static String dumpHub(Hub hub) {
        List<Greenlet<?>> live = snapshot(hub);
        Greenlet<?> running = HubMonitor.runningGreenlet(hub);
        StringBuilder sb = new StringBuilder();
        Hub.Stats stats = hub.loop.statsRacy();
        HubCounters counters = hub.loop.counters;
        sb.append("Hub ").append(hub.getName()).append(" (").append(hub.ioType()).append(hub.isClosed() ? ", closing" : "")
                .append("): ").append(live.size()).append(" greenlet(s) alive, ").append(stats.ready())
                .append(" ready, ").append(stats.timers()).append(" timer(s), ")
                .append(stats.ioRegistrations()).append(" IO registration(s), ").append(hub.outsideStarts.heldCount())
                .append(" start(s) held for their spawner, ").append(counters.entriesRun()).append(" entries run")
                .append(counters.isPolling() ? ", idle" : "").append('\n');
        for (Greenlet<?> g : live) {
            Thread t = g.getThread();
            if (t == null) {
                continue;
            }
            sb.append("  ").append(g.getName()).append(" [").append(g == running ? "RUNNING" : t.getState())
                    .append("]");
            Object blocker = LockSupport.getBlocker(t);
            if (blocker != null) {
                sb.append(" waits on: ").append(describe(blocker));
            }
            Greenlet<?> p = g.getParent();
            sb.append(" | parent: ").append(p == null ? "-" : p.getName()).append('\n');
            sb.append(stack(t.getStackTrace()));
        }
        return sb.toString();
    }

    /** The threads of the hub's live greenlets (the JDK's thread dumps, through the hub's GreenletContainer). */
    static java.util.stream.Stream<Thread> liveThreads(Hub hub) {
        return snapshot(hub).stream().map(Greenlet::getThread).filter(java.util.Objects::nonNull);
    }

    /** The hub's live greenlets, read on the hub if it answers within 200 ms, else racily. */
    private static List<Greenlet<?>> snapshot(Hub hub) {
        List<Greenlet<?>> out = new ArrayList<>();
        if (hub.inHub()) {
            collect(hub, out);
            return out;
        }
        CountDownLatch done = new CountDownLatch(1);
        List<Greenlet<?>> onHub = new ArrayList<>();
        try {
            hub.callSoon(() -> {
                collect(hub, onHub);
                done.countDown();
            });
            if (done.await(200, TimeUnit.MILLISECONDS)) {
                return onHub;
            }
        } catch (IllegalStateException e) {
            // closed: read what is left
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            collect(hub, out);
        } catch (RuntimeException e) {
            // changed under us; report what we have
        }
        return out;
    }

    private static void collect(Hub hub, List<Greenlet<?>> out) {
        int guard = 0;
        for (Greenlet<?> g = hub.loop.liveHead(); g != null && guard < 1_000_000; g = g.liveNext, guard++) {
            out.add(g);
        }
        out.sort(Comparator.comparing(Greenlet::getName));
    }

    static String describe(Object blocker) {
        if (blocker instanceof Greenlet<?> g) {
            return "join " + g.getName();
        }
        String s = String.valueOf(blocker);
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }

    static String stack(StackTraceElement[] frames) {
        StringBuilder sb = new StringBuilder();
        int n = Math.min(frames.length, MAX_FRAMES);
        for (int i = 0; i < n; i++) {
            sb.append("\tat ").append(frames[i]).append('\n');
        }
        if (frames.length > n) {
            sb.append("\t... ").append(frames.length - n).append(" more\n");
        }
        return sb.toString();
    }
}
