package dev.gevent4j.compat.apps;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * gRPC with its shaded Netty transport, server and clients in one JVM: a unary method whose handler takes
 * {@link Probe#DELAY_MILLIS} (a sleep, on gRPC's default executor), called by n plain threads through the blocking
 * stub API over one channel. Args: [n].
 */
public final class GrpcApp {
    static final Probe P = new Probe();

    static final MethodDescriptor.Marshaller<String> UTF8 = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    static final MethodDescriptor<String, String> SLOW = MethodDescriptor.<String, String>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName("compat.Slow", "Call"))
            .setRequestMarshaller(UTF8).setResponseMarshaller(UTF8).build();

    public static void main(String[] args) throws Exception {
        int n = Probe.arg(args, 0, 100);
        ServerServiceDefinition service = ServerServiceDefinition.builder("compat.Slow")
                .addMethod(SLOW, ServerCalls.asyncUnaryCall((String req, io.grpc.stub.StreamObserver<String> out) -> {
                    try {
                        Probe.slowWork();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    out.onNext("ok " + req);
                    out.onCompleted();
                })).build();
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service)
                .build().start();
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
        Probe.Task call = i -> {
            String r = ClientCalls.blockingUnaryCall(channel, SLOW, CallOptions.DEFAULT.withDeadlineAfter(30,
                    TimeUnit.SECONDS), "" + i);
            if (!r.equals("ok " + i)) {
                throw new IllegalStateException("reply " + r);
            }
        };
        new Probe().onPlainThreads(10, "warm", call);
        P.begin();
        P.onPlainThreads(n, "client", call);
        P.end("grpc", n);
        channel.shutdownNow();
        server.shutdownNow();
        channel.awaitTermination(10, TimeUnit.SECONDS);
        server.awaitTermination(10, TimeUnit.SECONDS);
        System.exit(0);
    }
}
