package dev.gevent4j.agent.apps;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * An application's own name resolver (the JDK's JEP 418 SPI, registered by a {@code META-INF/services} file that
 * DnsProofTest puts on the child JVM's class path), as slow as a name server that takes a second to answer.
 *
 * <pre>{@code
 * InetAddress.getByName("slow.gevent4j.test");   // 127.0.0.7, after SLOW_MILLIS
 * }</pre>
 *
 * <p>Names: {@code slow.gevent4j.test} → 127.0.0.7, {@code kill.gevent4j.test} → 127.0.0.8 and
 * {@code timeout.gevent4j.test} → 127.0.0.9, each after blocking its thread for {@link #SLOW_MILLIS}; {@code missing.gevent4j.test} → an UnknownHostException at once (kept in
 * {@link #lastThrown}); any other name → the JDK's built-in resolver; 127.0.0.7 → {@code slow.gevent4j.test} at once,
 * any other address → the built-in resolver. Per name it counts lookups started and finished and records the last
 * lookup's start and end ({@code System.nanoTime()}) and the thread that ran it.
 *
 * <p>Timeout, interrupt and kill: the wait cannot be interrupted; it always lasts SLOW_MILLIS.
 */
public final class SlowResolverProvider extends InetAddressResolverProvider {
    /*
     * The wait is libc poll(NULL, 0, ms) through FFM, not Thread.sleep: a native call blocks its carrier thread, as
     * getaddrinfo does while a name server is slow. Thread.sleep on a greenlet would be turned into a hub timer by the
     * agent's sleep patch and could not show what the dns patch is for.
     */
    public static final int SLOW_MILLIS = 1000;
    public static final Map<String, AtomicInteger> STARTED = new ConcurrentHashMap<>();
    public static final Map<String, AtomicInteger> FINISHED = new ConcurrentHashMap<>();
    public static final Map<String, long[]> WINDOW = new ConcurrentHashMap<>();
    /** The name of the thread that ran the last lookup of each name (or of each reverse lookup, "reverse"). */
    public static final Map<String, String> THREAD = new ConcurrentHashMap<>();
    public static volatile UnknownHostException lastThrown;

    private static final MethodHandle POLL = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().findOrThrow("poll"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_INT));

    public static int started(String host) {
        return STARTED.computeIfAbsent(host, h -> new AtomicInteger()).get();
    }

    public static int finished(String host) {
        return FINISHED.computeIfAbsent(host, h -> new AtomicInteger()).get();
    }

    /** Blocks the calling thread in native code for {@code millis} (EINTR: waits for the rest). */
    static void blockNatively(int millis) {
        long end = System.nanoTime() + millis * 1_000_000L;
        try {
            for (long left = millis; left > 0; left = (end - System.nanoTime()) / 1_000_000L) {
                int rc = (int) POLL.invokeExact(MemorySegment.NULL, 0L, (int) Math.max(1, left));
                if (rc < 0 && System.nanoTime() >= end) {
                    break;
                }
            }
        } catch (Throwable t) {
            throw new IllegalStateException("poll(2) through FFM failed", t);
        }
    }

    @Override
    public InetAddressResolver get(Configuration configuration) {
        InetAddressResolver builtin = configuration.builtinResolver();
        return new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                byte last = switch (host) {
                    case "slow.gevent4j.test" -> 7;
                    case "kill.gevent4j.test" -> 8;
                    case "timeout.gevent4j.test" -> 9;
                    case "missing.gevent4j.test" -> 0;
                    default -> -1;
                };
                if (last < 0) {
                    return builtin.lookupByName(host, policy);
                }
                if (last == 0) {
                    UnknownHostException e = new UnknownHostException(host + ": no such name (SlowResolverProvider)");
                    lastThrown = e;
                    throw e;
                }
                THREAD.put(host, Thread.currentThread().getName());
                STARTED.computeIfAbsent(host, h -> new AtomicInteger()).incrementAndGet();
                long start = System.nanoTime();
                blockNatively(SLOW_MILLIS);
                WINDOW.put(host, new long[] {start, System.nanoTime()});
                FINISHED.computeIfAbsent(host, h -> new AtomicInteger()).incrementAndGet();
                return Stream.of(InetAddress.getByAddress(host, new byte[] {127, 0, 0, last}));
            }

            @Override
            public String lookupByAddress(byte[] addr) throws UnknownHostException {
                if (addr.length == 4 && addr[0] == 127 && addr[3] == 7) {
                    THREAD.put("reverse", Thread.currentThread().getName());
                    return "slow.gevent4j.test";
                }
                return builtin.lookupByAddress(addr);
            }
        };
    }

    @Override
    public String name() {
        return "slow-test-resolver";
    }
}
