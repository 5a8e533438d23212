package example.echo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * A load client for {@link ClassicEchoServer}: opens {@code connections} TCP connections from one thread (a NIO
 * selector, so the client itself needs no thread per connection), keeps them all open, and runs {@code rounds}
 * rounds in which every connection sends a distinct {@code size}-byte message and checks that exactly those bytes
 * come back.
 *
 * <pre>{@code
 * java -cp classic-echo.jar example.echo.EchoLoadClient <port> [connections=5000] [rounds=5] [size=64]
 * }</pre>
 *
 * <p>Prints one line: {@code connections=.. rounds=.. bytes=.. seconds=.. messages/s=..}. Any mismatch or a
 * connection closed early is an {@link IOException}. {@link #close()} closes every connection.
 */
public final class EchoLoadClient implements AutoCloseable {
    private final List<SocketChannel> channels = new ArrayList<>();
    private final Selector selector;

    public EchoLoadClient() throws IOException {
        selector = Selector.open();
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int size = args.length > 3 ? Integer.parseInt(args[3]) : 64;
        try (EchoLoadClient c = new EchoLoadClient()) {
            c.connect(new InetSocketAddress("127.0.0.1", port), n, 20_000);
            System.out.println(c.echoRounds(rounds, size, 60_000));
        }
    }

    /** Opens {@code n} connections (in batches of 500), waiting at most {@code timeoutMillis} in all. */
    public void connect(InetSocketAddress address, int n, long timeoutMillis) throws IOException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (channels.size() < n) {
            int batch = Math.min(500, n - channels.size());
            int pending = 0;
            for (int i = 0; i < batch; i++) {
                SocketChannel ch = SocketChannel.open();
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                channels.add(ch);
                if (!ch.connect(address)) {
                    ch.register(selector, SelectionKey.OP_CONNECT);
                    pending++;
                }
            }
            while (pending > 0) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IOException("connect timed out with " + pending + " of the batch pending, "
                            + channels.size() + " opened");
                }
                selector.select(100);
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey k = it.next();
                    it.remove();
                    if (((SocketChannel) k.channel()).finishConnect()) {
                        k.interestOps(0);
                        pending--;
                    }
                }
            }
        }
    }

    public int size() {
        return channels.size();
    }

    /** Runs the echo rounds; returns the summary line. */
    public String echoRounds(int rounds, int size, long timeoutMillis) throws IOException {
        long bytes = 0;
        long t0 = System.nanoTime();
        for (int r = 0; r < rounds; r++) {
            bytes += round(r, size, timeoutMillis);
        }
        double s = (System.nanoTime() - t0) / 1e9;
        long messages = (long) rounds * channels.size();
        return String.format("connections=%d rounds=%d bytes=%d seconds=%.3f messages/s=%.0f",
                channels.size(), rounds, bytes, s, messages / s);
    }

    private long round(int r, int size, long timeoutMillis) throws IOException {
        int n = channels.size();
        byte[][] expected = new byte[n][];
        ByteBuffer[] got = new ByteBuffer[n];
        for (int i = 0; i < n; i++) {
            byte[] msg = message(r, i, size);
            expected[i] = msg;
            got[i] = ByteBuffer.allocate(size);
            ByteBuffer out = ByteBuffer.wrap(msg);
            SocketChannel ch = channels.get(i);
            while (out.hasRemaining()) {
                if (ch.write(out) == 0) {
                    Thread.onSpinWait();
                }
            }
            ch.keyFor(selector).attach(i);
            ch.keyFor(selector).interestOps(SelectionKey.OP_READ);
        }
        int done = 0;
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (done < n) {
            if (System.currentTimeMillis() > deadline) {
                throw new IOException("round " + r + ": only " + done + " of " + n + " echoes came back");
            }
            selector.select(100);
            Iterator<SelectionKey> it = selector.selectedKeys().iterator();
            while (it.hasNext()) {
                SelectionKey k = it.next();
                it.remove();
                int i = (Integer) k.attachment();
                int read = ((SocketChannel) k.channel()).read(got[i]);
                if (read < 0) {
                    throw new IOException("connection " + i + " closed by the server");
                }
                if (!got[i].hasRemaining()) {
                    k.interestOps(0);
                    if (!Arrays.equals(got[i].array(), expected[i])) {
                        throw new IOException("connection " + i + ": echoed bytes differ from what was sent");
                    }
                    done++;
                }
            }
        }
        return 2L * n * size;
    }

    private static byte[] message(int round, int conn, int size) {
        byte[] b = new byte[size];
        long x = ((long) round << 32) ^ conn * 0x9E3779B97F4A7C15L;
        for (int i = 0; i < size; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            b[i] = (byte) x;
        }
        return b;
    }

    @Override
    public void close() throws IOException {
        for (SocketChannel ch : channels) {
            ch.close();
        }
        channels.clear();
        selector.close();
    }
}
