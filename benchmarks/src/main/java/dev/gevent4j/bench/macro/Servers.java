package dev.gevent4j.bench.macro;

import dev.gevent4j.Hub;
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
import java.util.concurrent.ThreadFactory;

/**
 * The servers of workloads 6 (TCP echo) and 7 (HTTP hello world), one contender per JVM; prints {@code PORT n}
 * once it listens on 127.0.0.1 and exits after {@code maxSeconds}.
 *
 * <pre>{@code
 * java <gevent4j flags> -cp benchmarks.jar dev.gevent4j.bench.macro.Servers echo gevent4j 60
 * }</pre>
 *
 * <p>Contenders: {@code gevent4j} ({@code dev.gevent4j.io.StreamServer} on one hub: a greenlet per connection
 * using plain java.net sockets, which park the greenlet, not the hub), {@code vt} (a virtual thread per connection; the harness adds
 * {@code -Djdk.virtualThreadScheduler.parallelism=1} for the one-carrier variant), {@code threads} (a platform
 * thread per connection; under {@code -javaagent} the agent turns them into greenlets), {@code netty} (raw Netty
 * epoll, one event loop for accepting and all connections). A connection's handler ends when the peer closes;
 * nothing is killed; the process ends by {@code System.exit} after {@code maxSeconds} or when the harness
 * destroys it.
 */
public final class Servers {
    private Servers() {}

    public static void main(String[] args) throws Exception {
        boolean http = switch (args[0]) {
            case "echo" -> false;
            case "http" -> true;
            default -> throw new IllegalArgumentException("unknown protocol " + args[0] + ": use echo or http");
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
                        (socket, peer) -> serve(socket, http)).backlog(4096).hub(Hub.create("server-hub"));
                server.start();
                System.out.println("PORT " + server.getAddress().getPort());
                System.out.flush();
            }
            case "vt" -> {
                ServerSocket ss = listen();
                Thread.ofVirtual().start(() -> acceptLoop(ss, http, Thread::startVirtualThread));
            }
            case "threads" -> {
                ServerSocket ss = listen();
                Thread.ofPlatform().start(() -> acceptLoop(ss, http,
                        r -> Thread.ofPlatform().stackSize(256 * 1024).start(r)));
            }
            case "threads-main" -> {
                // the plainest thread-per-connection server: main itself loops on accept() (under the agent with
                // main=true, main is a greenlet; with main=false it blocks in native accept on the JVM's main thread)
                acceptLoop(listen(), http, r -> new Thread(r).start());
            }
            case "netty" -> netty(http);
            default -> throw new IllegalArgumentException("unknown contender " + who
                    + ": use gevent4j, vt, threads, threads-main or netty");
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

    private static void acceptLoop(ServerSocket ss, boolean http, Spawner spawner) {
        while (!ss.isClosed()) {
            try {
                Socket s = ss.accept();
                spawner.spawn(() -> serve(s, http));
            } catch (IOException e) {
                System.err.println("accept failed: " + e);
            }
        }
    }

    /** Blocking handler: echo every byte, or answer every request; returns when the peer closes. */
    private static void serve(Socket s, boolean http) {
        try (s) {
            s.setTcpNoDelay(true);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] buf = new byte[4096];
            RequestCounter counter = http ? new RequestCounter() : null;
            int n;
            while ((n = in.read(buf)) > 0) {
                if (counter == null) {
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

    private static void netty(boolean http) throws InterruptedException {
        ThreadFactory tf = r -> Thread.ofPlatform().name("netty-loop").unstarted(r);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, tf, EpollIoHandler.newFactory());
        ServerBootstrap b = new ServerBootstrap()
                .group(group, group)
                .channel(EpollServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(http ? new HttpHandler() : new EchoHandler());
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
