package dev.gevent4j.agent.apps;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * A thread-per-connection echo server with the habits of real servers, for the agent's chaos test; no gevent4j
 * import. {@code main} loops on {@code accept()}; each connection's first byte picks its mode:
 * <ul>
 *   <li>{@code 'E'}: echo until the peer closes;</li>
 *   <li>{@code 'T'}: echo with a 30 ms read timeout ({@code setSoTimeout}); a timeout is counted and the read goes
 *       on, so the socket must stay usable after it;</li>
 *   <li>{@code 'K'} then one byte {@code d}: echo, while another thread closes the socket after {@code d} ms (an
 *       application aborting a connection a blocked reader waits on).</li>
 * </ul>
 * Prints {@code LISTENING <port>}, then serves until killed.
 */
public final class ChaosEchoServer {
    private ChaosEchoServer() {}

    public static void main(String[] args) throws IOException {
        ServerSocket server = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
        System.out.println("LISTENING " + server.getLocalPort());
        System.out.flush();
        while (true) {
            Socket s = server.accept();
            new Thread(() -> serve(s)).start();
        }
    }

    private static void serve(Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            int mode = in.read();
            if (mode == 'T') {
                s.setSoTimeout(30);
            } else if (mode == 'K') {
                int delay = new DataInputStream(in).readUnsignedByte();
                Thread killer = new Thread(() -> {
                    try {
                        Thread.sleep(delay);
                        s.close();
                    } catch (InterruptedException | IOException e) {
                        // nothing to abort
                    }
                });
                killer.start();
            } else if (mode != 'E') {
                return;
            }
            byte[] buf = new byte[8192];
            while (true) {
                int n;
                try {
                    n = in.read(buf);
                } catch (SocketTimeoutException idle) {
                    continue; // the idle timeout fired: the connection stays open and its unread bytes intact
                }
                if (n < 0) {
                    return;
                }
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            // reset by the peer, or closed by the killer: this connection ends, the server goes on
        }
    }
}
