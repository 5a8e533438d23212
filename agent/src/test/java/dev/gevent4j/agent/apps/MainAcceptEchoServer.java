package dev.gevent4j.agent.apps;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * The plainest thread-per-connection echo server, as found in tutorials: {@code main} itself loops on
 * {@code accept()} and starts a {@code new Thread} per connection. No gevent4j import. Prints {@code LISTENING <port>},
 * then serves until the process is killed. Argument: the listen backlog (default: the JDK's, 50).
 */
public final class MainAcceptEchoServer {
    private MainAcceptEchoServer() {}

    public static void main(String[] args) throws IOException {
        ServerSocket server = args.length > 0
                ? new ServerSocket(0, Integer.parseInt(args[0]), InetAddress.getLoopbackAddress())
                : new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        System.out.println("LISTENING " + server.getLocalPort());
        System.out.flush();
        while (true) {
            Socket s = server.accept();
            new Thread(() -> echo(s)).start();
        }
    }

    private static void echo(Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            byte[] buf = new byte[4096];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            // the peer reset the connection: this connection ends, the server goes on
        }
    }
}
