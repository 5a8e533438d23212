package dev.gevent4j.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gevent4j.Greenlet;
import dev.gevent4j.Hub;
import dev.gevent4j.internal.agent.hooks.GreenletResolver;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Under the agent, pipe reads/writes wait on the hub, regular files and DNS run on the hub's thread pool. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FilesAndDnsTest extends dev.gevent4j.testing.HubPerTest {
    // File and pipe tests: FilesTest and PinnedGreenletsTest.

    @Test
    void aSlowResolverRunsOnThePoolWhileOtherGreenletsRun() throws Exception {
        InetAddressResolver slow = new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                try {
                    Thread.sleep(500); // a slow name server; blocks a platform pool thread, not the hub
                } catch (InterruptedException e) {
                    throw new UnknownHostException("interrupted");
                }
                if (host.endsWith(".invalid")) {
                    throw new UnknownHostException(host);
                }
                return Stream.of(InetAddress.getByAddress(host, new byte[] {127, 0, 0, 7}));
            }

            @Override
            public String lookupByAddress(byte[] addr) {
                return "seven.test";
            }
        };
        GreenletResolver resolver = new GreenletResolver(slow);
        Greenlet<List<InetAddress>> lookup = hub.spawn(() -> resolver.lookupByName("slow.test",
                InetAddressResolver.LookupPolicy.of(InetAddressResolver.LookupPolicy.IPV4)).toList());
        AtomicInteger ticks = ticker(lookup);
        assertEquals(List.of(InetAddress.getByAddress("slow.test", new byte[] {127, 0, 0, 7})), lookup.get());
        assertTrue(ticks.get() >= 20, "the other greenlet ticked only " + ticks.get() + " times in ~0.5 s");
        Greenlet<Void> failing = hub.spawn(() -> {
            resolver.lookupByName("x.invalid", InetAddressResolver.LookupPolicy.of(
                    InetAddressResolver.LookupPolicy.IPV4));
            return null;
        });
        assertThrows(UnknownHostException.class, () -> {
            try {
                failing.get();
            } catch (java.util.concurrent.CompletionException e) {
                throw e.getCause();
            }
        });
    }

    @Test
    void wrappingIsIdempotent() {
        InetAddressResolver plain = new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                throw new UnknownHostException(host);
            }

            @Override
            public String lookupByAddress(byte[] addr) throws UnknownHostException {
                throw new UnknownHostException("no reverse lookups");
            }
        };
        InetAddressResolver once = GreenletResolver.wrap(plain);
        assertTrue(once instanceof GreenletResolver g && g.delegate() == plain, String.valueOf(once));
        assertTrue(GreenletResolver.wrap(once) == once, "a GreenletResolver was wrapped again");
        assertTrue(GreenletResolver.wrap(null) == null);
    }

    @Test
    void inetAddressLookupsOfGreenletsGoThroughTheAgentsResolver() throws Exception {
        long before = GreenletResolver.offloaded();
        String name = "gevent4j-" + System.nanoTime() + ".invalid";
        Greenlet<String> g = hub.spawn(() -> {
            try {
                InetAddress.getByName(name);
                return "resolved?!";
            } catch (UnknownHostException e) {
                return "unknown";
            }
        });
        assertEquals("unknown", g.get());
        assertTrue(GreenletResolver.offloaded() > before, "the lookup did not go through the agent's resolver");
        assertTrue(InetAddress.getByName("localhost").isLoopbackAddress()); // platform thread: the JDK's own path
    }
}
