package dev.gevent4j.io.internal;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;

/** A {@link Socket} whose waits are gevent4j waits (see {@link GreenSocketImpl}). */
public final class GreenSocket extends Socket {
    private final GreenSocketImpl impl;

    public GreenSocket() throws SocketException {
        this(new GreenSocketImpl());
    }

    GreenSocket(GreenSocketImpl impl) throws SocketException {
        super(impl);
        this.impl = impl;
    }

    /** The socket's impl (tests: its fd and registration). */
    public GreenSocketImpl impl() {
        return impl;
    }

    @Override
    public String toString() {
        return "GreenSocket[" + (isConnected() ? getRemoteSocketAddress() + ", local " + getLocalPort()
                : isClosed() ? "closed" : "unconnected") + "]";
    }

    static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // best effort
        }
    }
}
