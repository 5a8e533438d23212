package dev.gevent4j.samples.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gevent4j.Gevent;
import dev.gevent4j.Greenlet;
import dev.gevent4j.io.StreamServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Integration tests of the io samples: each runs what its main runs and checks the outcome. */
@Timeout(120)
class IoSamplesTest {
    @Test
    void echoServerServesConcurrentClients() {
        List<List<String>> got = Gevent.run(() -> {
            try (StreamServer server = EchoServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                List<Greenlet<List<String>>> cs = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    int k = i;
                    cs.add(Gevent.spawn(() -> EchoServer.client(server.getAddress(), List.of("a" + k, "b" + k))));
                }
                List<List<String>> r = new ArrayList<>();
                for (Greenlet<List<String>> c : cs) {
                    r.add(c.get());
                }
                return r;
            }
        });
        for (int i = 0; i < 20; i++) {
            assertEquals(List.of("a" + i, "b" + i), got.get(i));
        }
    }

    @Test
    void fetcherDownloadsEveryUrlThroughAPoolOfFifty() {
        ConcurrentFetcher.Summary s = ConcurrentFetcher.run(300, false);
        assertEquals(300, s.ok());
        assertEquals(0, s.failed());
        assertEquals(150 * HttpServerSample.HELLO.length + 150 * 40, s.bytes()); // "chunk N\n" x5 = 40 bytes
        assertTrue(s.peakConcurrency() <= 50, "peak " + s.peakConcurrency());
        assertTrue(s.peakConcurrency() > 1, "the fetches did not overlap");
    }

    @Test
    void pipelineSortsAMegabyteWhileOtherGreenletsRun() {
        SubprocessPipeline.Summary s = SubprocessPipeline.run(1 << 20);
        assertEquals(0, s.exitCode());
        assertEquals(s.bytesIn(), s.bytesOut());
        assertTrue(s.sorted());
        assertTrue(s.tickerRuns() >= 3, "the ticker ran only " + s.tickerRuns() + " times during the sort");
    }
}
