package dev.gevent4j.internal;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.channels.SelectableChannel;

/**
 * The fd number of a JDK channel ({@code sun.nio.ch.SelChImpl.getFDVal()}), for registering it with a hub's epoll.
 * The package is exported to the unnamed modules through {@code jdk.internal.access}, which the runtime needs anyway
 * ({@link JdkAccess#REQUIRED_FLAGS}).
 */
final class ChannelFds {
    private static final MethodHandle FD_VAL;
    private static final Throwable FAILURE;

    static {
        MethodHandle mh = null;
        Throwable failure = null;
        try {
            JdkAccess.check();
            jdk.internal.access.SharedSecrets.getJavaLangAccess()
                    .addExportsToAllUnnamed(Object.class.getModule(), "sun.nio.ch");
            Class<?> c = Class.forName("sun.nio.ch.SelChImpl");
            mh = MethodHandles.lookup().findVirtual(c, "getFDVal", MethodType.methodType(int.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            mh = null;
            failure = e;
        }
        FD_VAL = mh;
        FAILURE = failure;
    }

    private ChannelFds() {}

    static int fdVal(SelectableChannel ch) throws IOException {
        if (FD_VAL == null) {
            throw new IOException("gevent4j: cannot read the fd of " + ch.getClass().getName(), FAILURE);
        }
        try {
            return (int) FD_VAL.invoke(ch);
        } catch (Throwable e) {
            throw new IOException("gevent4j: cannot read the fd of " + ch.getClass().getName(), e);
        }
    }
}
