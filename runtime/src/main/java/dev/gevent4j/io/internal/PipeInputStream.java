package dev.gevent4j.io.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/** An InputStream over the read end of a pipe watched by a hub ({@link PipeFd}). Not API. */
public final class PipeInputStream extends InputStream {
    private final PipeFd pipe;

    public PipeInputStream(PipeFd pipe) {
        this.pipe = pipe;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        return pipe.read(b, off, len);
    }

    @Override
    public void close() {
        pipe.close();
    }
}
