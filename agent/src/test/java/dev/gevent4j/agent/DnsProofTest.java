package dev.gevent4j.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gevent4j.agent.apps.SlowDnsApp;
import dev.gevent4j.agent.apps.SlowResolverProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #3's DNS proof, end to end: an unmodified application whose own {@code InetAddressResolverProvider} is slow
 * ({@link SlowResolverProvider}: one second in native code per lookup, like getaddrinfo waiting for a slow name
 * server) runs in a child JVM under the real agent; a greenlet resolving a name with plain
 * {@code InetAddress.getByName} leaves the other greenlets on its hub running meanwhile. With {@code dns=false} the
 * same app shows the hub blocked for the whole lookup. Also: reverse lookups, the application's UnknownHostException
 * unchanged, and kill and Timeout of a greenlet during a lookup.
 */
// JUnit @Timeout, fully qualified: dev.gevent4j.Timeout shares the name.
@org.junit.jupiter.api.Timeout(value = 120, unit = java.util.concurrent.TimeUnit.SECONDS)
class DnsProofTest {
    private static final Pattern RESOLVED = Pattern.compile(
            "resolved (\\S+) ticksDuringLookup=(\\d+) lookupMillis=(\\d+) thread=(\\S*)");

    @TempDir
    Path services;

    /** A class-path directory registering the app's provider, as the app's own jar would. */
    private String providerRegistration() throws IOException {
        Path file = services.resolve("META-INF/services/java.net.spi.InetAddressResolverProvider");
        Files.createDirectories(file.getParent());
        Files.writeString(file, SlowResolverProvider.class.getName() + "\n");
        return services.toString();
    }

    private ChildJvm.Result runApp(String agentOptions, String mode) throws Exception {
        String agent = "-javaagent:" + ChildJvm.agentJar() + (agentOptions.isEmpty() ? "" : "=" + agentOptions);
        ChildJvm.Result r = ChildJvm.run(60, List.of(agent), List.of(providerRegistration()),
                SlowDnsApp.class.getName(), mode);
        assertEquals(0, r.exitCode(), "stdout: " + r.stdout() + "\nstderr: " + r.stderr());
        return r;
    }

    private static Matcher resolved(ChildJvm.Result r) {
        Matcher m = RESOLVED.matcher(r.stdout());
        assertTrue(m.find(), r.stdout() + "\nstderr: " + r.stderr());
        return m;
    }

    @Test
    void aGreenletResolvingThroughTheAppsSlowResolverLeavesTheOtherGreenletsRunning() throws Exception {
        ChildJvm.Result r = runApp("", "all");
        String out = r.stdout();
        assertTrue(out.contains("patched dns=true loadResolver=true"), out);
        Matcher m = resolved(r);
        assertEquals("slow.gevent4j.test/127.0.0.7", m.group(1), out);
        assertTrue(Integer.parseInt(m.group(3)) >= SlowResolverProvider.SLOW_MILLIS - 10, out);
        // ~100 ticks of 10 ms fit in the 1 s lookup; 20 leaves room for a busy machine
        assertTrue(Integer.parseInt(m.group(2)) >= 20, "the other greenlet ticked only " + m.group(2)
                + " times during the 1 s lookup\n" + out + "\nstderr: " + r.stderr());
        assertTrue(m.group(4).startsWith("gevent4j-hub-0-pool-"), "the lookup ran on " + m.group(4));
        assertTrue(out.contains("reverse slow.gevent4j.test thread=gevent4j-hub-0-pool-"), out);
        // the app's own UnknownHostException, thrown on the pool thread, reaches the greenlet as the same object
        assertTrue(out.contains("unknown sameObject=true onPoolThread=true "
                + "message=missing.gevent4j.test: no such name (SlowResolverProvider)"), out);
        // kill during the lookup: GreenletExit raised in the greenlet at once, the pool's lookup ends on its own
        assertTrue(out.contains("killed raisedInGreenlet=dev.gevent4j.GreenletExit lookupStillRunning=true"), out);
        assertTrue(out.contains("poolLookupFinished kill.gevent4j.test"), out);
        assertTrue(out.contains("afterKill kill.gevent4j.test/127.0.0.8"), out);
        // Timeout during the lookup: raised in the greenlet after 100 ms, the pool's lookup goes on
        assertTrue(out.contains("timedOut dev.gevent4j.Timeout lookupStillRunning=true"), out);
        assertTrue(out.contains("end"), out);
        assertFalse(r.stderr().contains("Exception"), "stderr: " + r.stderr());
    }

    @Test
    void withDnsFalseTheSameLookupBlocksTheWholeHub() throws Exception {
        ChildJvm.Result r = runApp("dns=false", "proof");
        assertTrue(r.stdout().contains("patched dns=false loadResolver=false"), r.stdout());
        Matcher m = resolved(r);
        assertEquals("slow.gevent4j.test/127.0.0.7", m.group(1), r.stdout());
        assertFalse(m.group(4).contains("-pool-"), "without the dns patch the lookup ran on " + m.group(4));
        assertEquals("0", m.group(2), "the hub ran other greenlets during a lookup without the dns patch?!\n"
                + r.stdout());
        // the hub's stall monitor saw the hub thread stuck in the app's resolver
        assertTrue(r.stderr().contains("has not returned to its loop")
                && r.stderr().contains("SlowResolverProvider"), r.stderr());
    }
}
