package dev.gevent4j.bench.macro;

import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;

/**
 * The client of workload 9 (connect-to-first-echo latency): opens {@code n} new connections one after another to an
 * echo server on 127.0.0.1, and times each from {@code connect()} to the first echoed message (64 bytes) back; then
 * resets the connection (SO_LINGER 0: no TIME_WAIT left on either side, and the server's handler ends on the reset).
 * What it measures for a thread-per-connection server is accept, the start of the connection's thread, and its first
 * read and write: under the agent, how soon a {@code Thread.start()} of a new connection runs.
 *
 * <pre>{@code
 * java -cp benchmarks.jar dev.gevent4j.bench.macro.ConnectLatencyClient <port> <connects> <warm-up connects>
 * }</pre>
 *
 * <p>Prints {@code START}, {@code END}, then {@code RESULT connects n}, {@code RESULT p50_us}, {@code RESULT p99_us}
 * and {@code RESULT max_us}.
 */
public final class ConnectLatencyClient {
    private ConnectLatencyClient() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int n = Integer.parseInt(args[1]);
        int warm = Integer.parseInt(args[2]);
        InetSocketAddress addr = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        byte[] msg = new byte[64];
        byte[] got = new byte[64];
        long[] micros = new long[n];
        for (int i = -warm; i < n; i++) {
            if (i == 0) {
                System.out.println("START");
                System.out.flush();
            }
            msg[0] = (byte) i;
            long t0 = System.nanoTime();
            try (Socket s = new Socket()) {
                s.setTcpNoDelay(true);
                s.setSoTimeout(10_000);
                s.connect(addr, 10_000);
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                out.write(msg);
                new DataInputStream(in).readFully(got);
                long t1 = System.nanoTime();
                if (!Arrays.equals(msg, got)) {
                    throw new IllegalStateException("connect " + i + ": the echo differs from the message");
                }
                if (i >= 0) {
                    micros[i] = (t1 - t0) / 1_000;
                }
                s.setSoLinger(true, 0);
            }
        }
        System.out.println("END");
        Arrays.sort(micros);
        System.out.println("RESULT connects " + n);
        System.out.println("RESULT p50_us " + micros[(int) (n * 0.50)]);
        System.out.println("RESULT p99_us " + micros[Math.min(n - 1, (int) (n * 0.99))]);
        System.out.println("RESULT max_us " + micros[n - 1]);
        System.out.flush();
    }
}
