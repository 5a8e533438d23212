package dev.gevent4j.samples.io;

import dev.gevent4j.Gevent;
import dev.gevent4j.Greenlet;
import dev.gevent4j.io.StreamServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * gevent's echo server: every connection is served by its own greenlet, all on one hub thread.
 *
 * <pre>{@code
 * mvn -q -pl samples -am verify -Pdemo -DskipTests -Dsample=dev.gevent4j.samples.io.EchoServer
 * mvn -q -pl samples -am verify -Pdemo -DskipTests -Dsample=dev.gevent4j.samples.io.EchoServer -DsampleArgs="serve 7000"
 * }</pre>
 *
 * <p>Without arguments it starts the server on a free port of 127.0.0.1, runs ten concurrent clients against it
 * (greenlets too), prints what they got back and exits. With {@code serve [port]} it serves until killed
 * (try {@code nc 127.0.0.1 7000}).
 */
public final class EchoServer {
    private EchoServer() {}

    /** Starts an echo server on {@code address}; the caller closes it. */
    public static StreamServer start(InetSocketAddress address) throws IOException {
        return new StreamServer(address, (socket, peer) -> {
            OutputStream out = socket.getOutputStream();
            out.write(("Welcome to the echo server! Type quit to leave.\r\n").getBytes(StandardCharsets.UTF_8));
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.strip().equalsIgnoreCase("quit")) {
                out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
            }
        }).maxConnections(10_000).start();
    }

    /** One client: sends {@code lines}, returns the echoed lines. */
    public static List<String> client(InetSocketAddress server, List<String> lines) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(server, 5000);
            s.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            in.readLine(); // welcome
            OutputStream out = s.getOutputStream();
            List<String> got = new ArrayList<>();
            for (String l : lines) {
                out.write((l + "\n").getBytes(StandardCharsets.UTF_8));
                got.add(in.readLine());
            }
            out.write("quit\n".getBytes(StandardCharsets.UTF_8));
            return got;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("serve")) {
            int port = args.length > 1 ? Integer.parseInt(args[1]) : 7000;
            StreamServer server = start(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            System.out.println("echo server on " + server.getAddress() + " (Ctrl-C to stop)");
            server.serveForever();
            return;
        }
        Gevent.run(() -> {
            try (StreamServer server = start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                System.out.println("echo server on " + server.getAddress());
                List<Greenlet<List<String>>> clients = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    int k = i;
                    clients.add(Gevent.spawn(() -> client(server.getAddress(), List.of("hello from " + k, "bye " + k))));
                }
                for (Greenlet<List<String>> c : clients) {
                    System.out.println("client got " + c.get());
                }
            }
            return null;
        });
        System.out.println("done: 10 clients served concurrently on one hub thread");
    }
}
