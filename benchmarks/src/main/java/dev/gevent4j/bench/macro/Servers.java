package dev.gevent4j.bench.macro;

import dev.gevent4j.Hub;
import dev.gevent4j.HubGroup;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import dev.gevent4j.io.StreamServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.ThreadFactory;

/**
 * The servers of workloads 6 (TCP echo), 7 (HTTP hello world) and 11 (CPU-bound echo: each 64-byte message is
 * answered after {@link #BURN_ITERATIONS} chained SHA-256 digests, about 150 us of CPU on the 2-vCPU benchmark
 * machine), one contender per JVM; prints {@code PORT n} once it listens on 127.0.0.1 and exits after
 * {@code maxSeconds}.
 *
 * <pre>{@code
 * java <gevent4j flags> -cp benchmarks.jar dev.gevent4j.bench.macro.Servers echo gevent4j 60
 * }</pre>
 *
 * <p>Contenders: {@code gevent4j} ({@code dev.gevent4j.io.StreamServer} on one hub: a greenlet per connection
 * using plain java.net sockets, which park the greenlet, not the hub), {@code vt} (a virtual thread per connection; the harness adds
 * {@code -Djdk.virtualThreadScheduler.parallelism=1} for the one-carrier variant), {@code threads} (a platform
 * thread per connection; under {@code -javaagent} the agent turns them into greenlets), {@code netty} (raw Netty
 * epoll, one event loop for accepting and all connections); for workload 11 also {@code gevent4j-group}
 * ({@code StreamServer.hubs(HubGroup.create())}: one hub and one SO_REUSEPORT listener per processor) and
 * {@code netty-n} (Netty epoll with one event loop per processor, the digests run on the loop), and
 * {@code gevent4j-acceptor} (one listener and accept loop on hub 0 of a group, each connection handed round-robin
 * to a hub: the design StreamServer.hubs did not take, for comparison). A connection's
 * handler ends when the peer closes;
 * nothing is killed; the process ends by {@code System.exit} after {@code maxSeconds} or when the harness
 * destroys it.
 */
public final class Servers {
    private Servers() {}

    /** Workload 11's fixed work per message: chained SHA-256 digests (about 150 us on the benchmark machine). */
    public static final int BURN_ITERATIONS = 2500;
    /** Workload 11's message size: the client's (EchoClient) message, answered by as many bytes. */
    static final int CPU_MESSAGE = 64;

    /** The protocol a server speaks. */
    enum Proto { ECHO, HTTP, CPU_ECHO }

    public static void main(String[] args) throws Exception {
        Proto proto = switch (args[0]) {
            case "echo" -> Proto.ECHO;
            case "http" -> Proto.HTTP;
            case "cpuecho" -> Proto.CPU_ECHO;
            default -> throw new IllegalArgumentException("unknown protocol " + args[0]
                    + ": use echo, http or cpuecho");
        };
        String who = args[1];
        long maxMillis = (long) (Double.parseDouble(args[2]) * 1000);
        Thread.ofPlatform().daemon(true).start(() -> {
            try {
                Thread.sleep(maxMillis);
            } catch (InterruptedException ignored) {
                // exit anyway
            }
            System.exit(0);
        });
        switch (who) {
            case "gevent4j" -> {
                StreamServer server = new StreamServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                        (socket, peer) -> serve(socket, proto)).backlog(4096).hub(Hub.create("server-hub"));
                server.start();
                System.out.println("PORT " + server.getAddress().getPort());
                System.out.flush();
            }
            case "gevent4j-group" -> {
                StreamServer server = new StreamServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                        (socket, peer) -> serve(socket, proto)).backlog(4096).hubs(HubGroup.create());
                server.start();
                System.out.println("PORT " + server.getAddress().getPort());
                System.out.flush();
            }
            case "gevent4j-acceptor" -> {
                // the alternative StreamServer.hubs(group) did not take, measured against it: one gevent4j listener
                // and one accept loop on hub 0, each accepted connection handed round-robin to a hub of the group
                HubGroup group = HubGroup.create();
                ServerSocket ss = dev.gevent4j.io.Sockets.serverSocket();
                ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
                System.out.println("PORT " + ss.getLocalPort());
                System.out.flush();
                java.util.List<Hub> hubs = group.hubs();
                int[] next = {0};
                hubs.get(0).spawn(() -> acceptLoop(ss, proto,
                        r -> hubs.get(next[0]++ % hubs.size()).spawn(r))); // next: only the acceptor touches it
            }
            case "vt" -> {
                ServerSocket ss = listen();
                Thread.ofVirtual().start(() -> acceptLoop(ss, proto, Thread::startVirtualThread));
            }
            case "threads" -> {
                ServerSocket ss = listen();
                Thread.ofPlatform().start(() -> acceptLoop(ss, proto,
                        r -> Thread.ofPlatform().stackSize(256 * 1024).start(r)));
            }
            case "threads-main" -> {
                // the plainest thread-per-connection server: main itself loops on accept() (under the agent with
                // main=true, main is a greenlet; with main=false it blocks in native accept on the JVM's main thread)
                acceptLoop(listen(), proto, r -> new Thread(r).start());
            }
            case "netty" -> netty(proto, 1);
            case "netty-n" -> netty(proto, Runtime.getRuntime().availableProcessors());
            default -> throw new IllegalArgumentException("unknown contender " + who
                    + ": use gevent4j, gevent4j-group, gevent4j-acceptor, vt, threads, threads-main, netty or netty-n");
        }
        Thread.sleep(maxMillis);
        System.exit(0);
    }

    private static ServerSocket listen() throws IOException {
        ServerSocket ss = new ServerSocket(0, 4096, InetAddress.getLoopbackAddress());
        System.out.println("PORT " + ss.getLocalPort());
        System.out.flush();
        return ss;
    }

    private interface Spawner {
        void spawn(Runnable r);
    }

    private static void acceptLoop(ServerSocket ss, Proto proto, Spawner spawner) {
        while (!ss.isClosed()) {
            try {
                Socket s = ss.accept();
                spawner.spawn(() -> serve(s, proto));
            } catch (IOException e) {
                System.err.println("accept failed: " + e);
            }
        }
    }

    /** Blocking handler: echo every byte, or answer every request; returns when the peer closes. */
    private static void serve(Socket s, Proto proto) {
        try (s) {
            s.setTcpNoDelay(true);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] buf = new byte[4096];
            RequestCounter counter = proto == Proto.HTTP ? new RequestCounter() : null;
            CpuEcho cpu = proto == Proto.CPU_ECHO ? new CpuEcho() : null;
            int n;
            while ((n = in.read(buf)) > 0) {
                if (cpu != null) {
                    for (int k = cpu.feed(n); k > 0; k--) {
                        out.write(cpu.answer());
                    }
                } else if (counter == null) {
                    out.write(buf, 0, n);
                } else {
                    for (int k = counter.feed(buf, 0, n); k > 0; k--) {
                        out.write(RequestCounter.RESPONSE);
                    }
                }
            }
        } catch (IOException e) {
            // the peer reset the connection: the handler ends, as it would at EOF
        }
    }

    /**
     * Workload 11's work per connection: counts the bytes received, and for each whole 64-byte message computes
     * {@link #BURN_ITERATIONS} chained SHA-256 digests and answers 64 bytes. One per connection; not thread-safe.
     */
    static final class CpuEcho {
        private final MessageDigest sha;
        private final byte[] reply = new byte[CPU_MESSAGE];
        private int pending;

        CpuEcho() {
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        /** {@code n} more bytes arrived; returns how many whole messages to answer now. */
        int feed(int n) {
            pending += n;
            int k = pending / CPU_MESSAGE;
            pending -= k * CPU_MESSAGE;
            return k;
        }

        /** Burns the fixed work and returns the 64-byte answer (the last digest, twice). */
        byte[] answer() {
            byte[] d = reply;
            for (int i = 0; i < BURN_ITERATIONS; i++) {
                d = sha.digest(d);
            }
            System.arraycopy(d, 0, reply, 0, 32);
            System.arraycopy(d, 0, reply, 32, 32);
            return reply;
        }
    }

    private static void netty(Proto proto, int loops) throws InterruptedException {
        ThreadFactory tf = r -> Thread.ofPlatform().name("netty-loop").unstarted(r);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(loops, tf, EpollIoHandler.newFactory());
        ServerBootstrap b = new ServerBootstrap()
                .group(group, group)
                .channel(EpollServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(switch (proto) {
                            case HTTP -> new HttpHandler();
                            case ECHO -> new EchoHandler();
                            case CPU_ECHO -> new CpuEchoHandler();
                        });
                    }
                });
        Channel ch = b.bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
        System.out.println("PORT " + ((InetSocketAddress) ch.localAddress()).getPort());
        System.out.flush();
    }

    private static final class EchoHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private static final class CpuEchoHandler extends ChannelInboundHandlerAdapter {
        private final CpuEcho cpu = new CpuEcho();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                for (int k = cpu.feed(buf.readableBytes()); k > 0; k--) {
                    ctx.write(Unpooled.wrappedBuffer(cpu.answer().clone()));
                }
            } finally {
                buf.release();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private static final class HttpHandler extends ChannelInboundHandlerAdapter {
        private static final ByteBuf RESPONSE = Unpooled.unreleasableBuffer(
                Unpooled.directBuffer().writeBytes(RequestCounter.RESPONSE)).asReadOnly();
        private final RequestCounter counter = new RequestCounter();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                for (int k = counter.feed(buf); k > 0; k--) {
                    ctx.write(RESPONSE.duplicate());
                }
            } finally {
                buf.release();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
