package dev.gevent4j.io.internal;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A {@link ServerSocket} whose {@link #accept()} is a gevent4j wait and returns {@link GreenSocket}s: a kill or
 * Timeout is raised in the accepting greenlet and the listener stays open (see {@link GreenSocketImpl}).
 */
public final class GreenServerSocket extends ServerSocket {
    private final GreenSocketImpl impl;

    public GreenServerSocket() throws IOException {
        this(new GreenSocketImpl());
    }

    private GreenServerSocket(GreenSocketImpl impl) throws IOException {
        super(impl);
        this.impl = impl;
        GreenSocketImpl.preload(); // nothing to load from a class file once connections pour in (EMFILE)
    }

    /** The listener's impl (tests). */
    public GreenSocketImpl impl() {
        return impl;
    }

    @Override
    public Socket accept() throws IOException {
        if (isClosed()) {
            throw new java.net.SocketException("Socket is closed");
        }
        if (!isBound()) {
            throw new java.net.SocketException("Socket is not bound yet");
        }
        GreenSocket s = new GreenSocket();
        try {
            implAccept(s);
        } catch (IOException | RuntimeException | Error e) {
            GreenSocket.closeQuietly(s);
            throw e;
        }
        return s;
    }

    @Override
    public String toString() {
        return "GreenServerSocket[" + (isBound() ? getLocalSocketAddress() : "unbound") + "]";
    }
}
