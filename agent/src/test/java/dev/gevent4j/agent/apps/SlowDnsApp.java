package dev.gevent4j.agent.apps;

import dev.gevent4j.Gevent;
import dev.gevent4j.Greenlet;
import dev.gevent4j.GreenletExit;
import dev.gevent4j.Monkey;
import dev.gevent4j.Timeout;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * An application with its own slow name resolver ({@link SlowResolverProvider}) resolving names with plain
 * {@code InetAddress.getByName} on greenlets of one hub, for DnsProofTest. Prints one line per finding:
 *
 * <pre>{@code
 * patched dns=true loadResolver=true
 * resolved slow.gevent4j.test/127.0.0.7 ticksDuringLookup=93 lookupMillis=1001 thread=gevent4j-hub-0-pool-1
 *                                                                    (argument "proof"; "all": the lines below too)
 * reverse slow.gevent4j.test thread=gevent4j-hub-0-pool-1
 * unknown sameObject=true onPoolThread=true message=missing.gevent4j.test: ...
 * killed raisedInGreenlet=dev.gevent4j.GreenletExit lookupStillRunning=true
 * poolLookupFinished kill.gevent4j.test
 * afterKill kill.gevent4j.test/127.0.0.8
 * timedOut dev.gevent4j.Timeout lookupStillRunning=true
 * end
 * }</pre>
 *
 * <p>Proof: greenlet B ticks (Gevent.sleep(10 ms)) while greenlet A resolves slow.gevent4j.test; the ticks that fall
 * inside the resolver's own start..end window are counted. Every wait for a condition gives up after 10 s with a
 * "timeout waiting for ..." line and exit code 2.
 */
public final class SlowDnsApp {
    public static void main(String[] args) throws Exception {
        boolean all = args.length > 0 && args[0].equals("all");
        System.out.println("patched dns=" + Monkey.isPatched("dns")
                + " loadResolver=" + Monkey.isPatched("java.net.InetAddress", "loadResolver"));
        Gevent.spawn(() -> {
            proof();
            if (all) {
                reverse();
                unknownHost();
                killDuringLookup();
                timeoutDuringLookup();
            }
            return null;
        }).get();
        System.out.println("end");
    }

    private static void proof() throws Exception {
        String host = "slow.gevent4j.test";
        List<Long> ticks = new ArrayList<>(); // touched by greenlets of the one hub only
        AtomicBoolean done = new AtomicBoolean();
        Greenlet<Void> b = Gevent.spawn(() -> {
            while (!done.get()) {
                ticks.add(System.nanoTime());
                Gevent.sleep(10);
            }
        });
        waitFor(() -> ticks.size() >= 2, "the ticker to run");
        Greenlet<InetAddress> a = Gevent.spawn(() -> InetAddress.getByName(host));
        InetAddress addr = a.get();
        done.set(true);
        b.join();
        long[] window = SlowResolverProvider.WINDOW.get(host);
        long during = ticks.stream().filter(t -> t > window[0] && t < window[1]).count();
        System.out.println("resolved " + addr + " ticksDuringLookup=" + during
                + " lookupMillis=" + (window[1] - window[0]) / 1_000_000
                + " thread=" + SlowResolverProvider.THREAD.get(host));
    }

    private static void reverse() throws Exception {
        InetAddress addr = InetAddress.getByAddress(new byte[] {127, 0, 0, 7});
        String name = Gevent.spawn(addr::getHostName).get();
        System.out.println("reverse " + name + " thread=" + SlowResolverProvider.THREAD.get("reverse"));
    }

    private static void unknownHost() {
        String host = "missing.gevent4j.test";
        Greenlet<String> g = Gevent.spawn(() -> {
            try {
                return "resolved?! " + InetAddress.getByName(host);
            } catch (UnknownHostException e) {
                boolean onPool = Arrays.stream(e.getStackTrace())
                        .anyMatch(f -> f.getClassName().equals("java.util.concurrent.ThreadPoolExecutor"));
                return "unknown sameObject=" + (e == SlowResolverProvider.lastThrown) + " onPoolThread=" + onPool
                        + " message=" + e.getMessage();
            }
        });
        System.out.println(g.get());
    }

    private static void killDuringLookup() throws Exception {
        String host = "kill.gevent4j.test";
        AtomicReference<Throwable> raised = new AtomicReference<>();
        Greenlet<InetAddress> k = Gevent.spawn(() -> {
            try {
                return InetAddress.getByName(host);
            } catch (GreenletExit e) {
                raised.set(e);
                throw e;
            }
        });
        waitFor(() -> SlowResolverProvider.started(host) == 1, "the lookup to start");
        k.kill();
        System.out.println("killed raisedInGreenlet=" + (raised.get() == null ? null : raised.get().getClass().getName())
                + " lookupStillRunning=" + (SlowResolverProvider.finished(host) == 0));
        waitFor(() -> SlowResolverProvider.finished(host) == 1, "the pool thread's lookup to finish");
        System.out.println("poolLookupFinished " + host);
        // the JDK's per-name lookup lock was released and no failure was cached: a new lookup works
        System.out.println("afterKill " + Gevent.spawn(() -> InetAddress.getByName(host)).get());
    }

    private static void timeoutDuringLookup() throws Exception {
        String host = "timeout.gevent4j.test";
        Greenlet<String> g = Gevent.spawn(() -> {
            try {
                return "resolved?! " + Gevent.withTimeout(Duration.ofMillis(100), () -> InetAddress.getByName(host));
            } catch (Timeout t) {
                return "timedOut " + t.getClass().getName()
                        + " lookupStillRunning=" + (SlowResolverProvider.finished(host) == 0);
            }
        });
        System.out.println(g.get());
        waitFor(() -> SlowResolverProvider.finished(host) == 1, "the pool thread's lookup to finish");
    }

    private static void waitFor(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                System.out.println("timeout waiting for " + what);
                System.exit(2);
            }
            Gevent.sleep(5);
        }
    }
}
