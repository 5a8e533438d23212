package dev.gevent4j.io;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A child JVM for {@link FdLimitBurstTest}: a line echo server on 127.0.0.1; prints {@code PORT n} and serves until
 * its stdin ends.
 */
public final class EchoServerChild {
    private EchoServerChild() {}

    public static void main(String[] args) throws Exception {
        // the first log record loads the time zone data (a file): do it while files can still be opened
        System.getLogger("dev.gevent4j.io").log(System.Logger.Level.INFO, "echo server child starting");
        try (StreamServer server = new StreamServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                (s, peer) -> {
                    BufferedReader r = new BufferedReader(new InputStreamReader(s.getInputStream(),
                            StandardCharsets.UTF_8));
                    OutputStream out = s.getOutputStream();
                    String line;
                    while ((line = r.readLine()) != null) {
                        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                    }
                }).backlog(128)) {
            server.start();
            System.out.println("PORT " + server.getAddress().getPort());
            System.out.flush();
            while (System.in.read() >= 0) {
                // serve until the parent closes our stdin
            }
        }
    }
}
