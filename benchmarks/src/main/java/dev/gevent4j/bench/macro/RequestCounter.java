package dev.gevent4j.bench.macro;

/**
 * Counts complete HTTP/1.1 requests in a byte stream by their terminating empty line (CRLF CRLF): the minimal
 * "parser" every hello-world server of workload 7 uses, so that the contenders differ only in how they do IO.
 *
 * <pre>{@code
 * RequestCounter c = new RequestCounter();
 * int n = c.feed(buf, 0, len);   // write n responses
 * }</pre>
 *
 * <p>Not thread-safe: one per connection. No blocking, so no timeout, interrupt or kill applies.
 */
final class RequestCounter {
    static final byte[] RESPONSE = ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\n"
            + "Hello, World!").getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private int matched;

    int feed(byte[] b, int off, int len) {
        int n = 0;
        for (int i = off; i < off + len; i++) {
            n += step(b[i]);
        }
        return n;
    }

    int feed(io.netty.buffer.ByteBuf buf) {
        int n = 0;
        for (int i = buf.readerIndex(), end = buf.writerIndex(); i < end; i++) {
            n += step(buf.getByte(i));
        }
        return n;
    }

    /** Advances the CRLFCRLF matcher by one byte; 1 if that byte ended a request. */
    private int step(byte c) {
        int m = matched;
        int ended = 0;
        if (c == ((m & 1) == 0 ? '\r' : '\n')) {
            if (++m == 4) {
                ended = 1;
                m = 0;
            }
        } else {
            m = c == '\r' ? 1 : 0;
        }
        matched = m;
        return ended;
    }
}
