package dev.gevent4j.io.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/** An OutputStream over the write end of a pipe watched by a hub ({@link PipeFd}); unbuffered. Not API. */
public final class PipeOutputStream extends OutputStream {
    private final PipeFd pipe;

    public PipeOutputStream(PipeFd pipe) {
        this.pipe = pipe;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        pipe.write(b, off, len);
    }

    @Override
    public void close() {
        pipe.close();
    }
}
