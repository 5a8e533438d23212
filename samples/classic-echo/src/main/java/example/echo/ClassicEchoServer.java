package example.echo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The classic blocking echo server: an {@code accept()} loop that starts a {@code new Thread} per connection, each
 * echoing bytes until the peer closes. It imports nothing from gevent4j; under {@code -javaagent:gevent4j-agent.jar}
 * every connection thread becomes a greenlet and the whole server runs on one hub thread.
 *
 * <pre>{@code
 * java [-javaagent:gevent4j-agent.jar] -cp classic-echo.jar example.echo.ClassicEchoServer [port]
 * }</pre>
 *
 * <p>Prints {@code LISTENING <port>} once it accepts connections. Every line read from standard input is a command:
 * {@code stats} prints {@code STATS <open connections> <live JVM threads (ThreadMXBean)> <peak threads>}; {@code quit}
 * (or end of input) exits. No timeouts: a connection lives until its peer closes it.
 */
public final class ClassicEchoServer {
    private static final AtomicInteger OPEN = new AtomicInteger();

    private ClassicEchoServer() {}

    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        ServerSocket server = new ServerSocket(port, 8192, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> acceptLoop(server), "acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
        System.out.println("LISTENING " + server.getLocalPort());
        System.out.flush();
        byte[] line = new byte[256];
        int n = 0;
        InputStream in = System.in;
        int c;
        while ((c = in.read()) >= 0) {
            if (c != '\n') {
                if (n < line.length) {
                    line[n++] = (byte) c;
                }
                continue;
            }
            String cmd = new String(line, 0, n).trim();
            n = 0;
            if (cmd.equals("stats")) {
                var mx = ManagementFactory.getThreadMXBean();
                System.out.println("STATS " + OPEN.get() + " " + mx.getThreadCount() + " " + mx.getPeakThreadCount());
                System.out.flush();
            } else if (cmd.equals("quit")) {
                break;
            }
        }
        server.close();
    }

    private static void acceptLoop(ServerSocket server) {
        while (true) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            Thread t = new Thread(() -> echo(s));
            t.setDaemon(true);
            t.start();
        }
    }

    private static void echo(Socket s) {
        OPEN.incrementAndGet();
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            byte[] buf = new byte[4096];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            // peer reset: drop the connection
        } finally {
            OPEN.decrementAndGet();
        }
    }
}
