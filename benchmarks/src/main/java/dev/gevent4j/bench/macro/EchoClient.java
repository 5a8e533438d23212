package dev.gevent4j.bench.macro;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The load client of workload 6, in its own process: C connections to 127.0.0.1:PORT, each sending a 64-byte
 * message and waiting for its echo before sending the next (closed loop), on one Netty epoll event loop.
 *
 * <pre>{@code
 * java -cp benchmarks.jar dev.gevent4j.bench.macro.EchoClient PORT 1000 64 2.0 10.0
 * }</pre>
 *
 * <p>Prints {@code START} when the timed window opens (after the warm-up) and, at its end,
 * {@code RESULT msgs N}, {@code RESULT p50_us X}, {@code RESULT p99_us Y}, then closes every connection.
 * Timeout: connecting all C connections must finish within 30 s, else it exits with status 2. Latencies count only
 * messages sent and answered within the window; a connection the server closes just stops.
 */
public final class EchoClient {
    private EchoClient() {}

    /** Latency histogram in 1 us buckets up to 1 s; the last bucket holds everything slower. */
    private static final int[] HIST = new int[1_000_001];
    private static volatile long windowStart = Long.MAX_VALUE;
    private static volatile long windowEnd = Long.MAX_VALUE;
    private static long messages;

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int conns = Integer.parseInt(args[1]);
        int size = Integer.parseInt(args[2]);
        long warmNanos = (long) (Double.parseDouble(args[3]) * 1e9);
        long measureNanos = (long) (Double.parseDouble(args[4]) * 1e9);
        byte[] payload = new byte[size];
        for (int i = 0; i < size; i++) {
            payload[i] = (byte) ('a' + i % 26);
        }
        ByteBuf message = Unpooled.unreleasableBuffer(Unpooled.directBuffer(size).writeBytes(payload)).asReadOnly();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            Bootstrap b = new Bootstrap().group(group).channel(EpollSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ClientHandler(size, message));
            List<Channel> channels = new ArrayList<>(conns);
            long connectDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            for (int i = 0; i < conns; i++) {
                ChannelFuture f = b.connect(InetAddress.getLoopbackAddress(), port);
                if (!f.await(Math.max(1, connectDeadline - System.nanoTime()), TimeUnit.NANOSECONDS)
                        || !f.isSuccess()) {
                    System.err.println("connection " + i + " failed: " + f.cause());
                    System.exit(2);
                }
                Channel ch = f.channel();
                ch.attr(Conn.KEY).set(new Conn());
                channels.add(ch);
            }
            long t0 = System.nanoTime();
            windowStart = t0 + warmNanos;
            windowEnd = windowStart + measureNanos;
            for (Channel ch : channels) {
                ch.eventLoop().execute(() -> {
                    ch.attr(Conn.KEY).get().sentAt = System.nanoTime();
                    ch.writeAndFlush(message.duplicate());
                });
            }
            sleepUntil(windowStart);
            System.out.println("START");
            System.out.flush();
            sleepUntil(windowEnd);
            System.out.println("END");
            System.out.flush();
            // read the counters on the loop thread, after the window closed
            long[] snap = new long[1];
            int[] hist = new int[HIST.length];
            group.next().submit(() -> {
                snap[0] = messages;
                System.arraycopy(HIST, 0, hist, 0, HIST.length);
            }).sync();
            System.out.println("RESULT msgs " + snap[0]);
            System.out.println("RESULT msgs_per_s " + snap[0] / (measureNanos / 1e9));
            System.out.println("RESULT p50_us " + percentile(hist, snap[0], 0.50));
            System.out.println("RESULT p99_us " + percentile(hist, snap[0], 0.99));
            System.out.flush();
            for (Channel ch : channels) {
                ch.close();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }

    private static void sleepUntil(long deadline) throws InterruptedException {
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    private static int bucket(long us) {
        return (int) Math.max(0, Math.min(HIST.length - 1, us));
    }

    private static long valueOf(int bucket) {
        return bucket;
    }

    private static long percentile(int[] hist, long total, double p) {
        if (total == 0) {
            return -1;
        }
        long want = (long) Math.ceil(total * p);
        long seen = 0;
        for (int i = 0; i < hist.length; i++) {
            seen += hist[i];
            if (seen >= want) {
                return valueOf(i);
            }
        }
        return valueOf(hist.length - 1);
    }

    /** Shared by every connection: per-connection state lives in the channel's {@link Conn} attribute. */
    @io.netty.channel.ChannelHandler.Sharable
    private static final class ClientHandler extends ChannelInboundHandlerAdapter {
        private final int size;
        private final ByteBuf message;

        ClientHandler(int size, ByteBuf message) {
            this.size = size;
            this.message = message;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Conn c = ctx.channel().attr(Conn.KEY).get();
            ByteBuf buf = (ByteBuf) msg;
            c.received += buf.readableBytes();
            buf.release();
            while (c.received >= size) {
                c.received -= size;
                long now = System.nanoTime();
                if (c.sentAt >= windowStart && now <= windowEnd) {
                    messages++;
                    HIST[bucket((now - c.sentAt) / 1000)]++;
                }
                if (now < windowEnd) {
                    c.sentAt = now;
                    ctx.writeAndFlush(message.duplicate());
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private static final class Conn {
        static final io.netty.util.AttributeKey<Conn> KEY = io.netty.util.AttributeKey.valueOf("conn");
        long sentAt;
        int received;
    }
}
