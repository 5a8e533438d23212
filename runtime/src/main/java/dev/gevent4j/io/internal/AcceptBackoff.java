package dev.gevent4j.io.internal;

import dev.gevent4j.Gevent;
import java.io.IOException;

/**
 * What a server's receive or accept loop does after an error it can survive (EMFILE, ENFILE, ENOBUFS, a connection
 * reset before accept): sleep on the hub — 10 ms, doubling up to 1 s while errors repeat — and log the first error
 * of each run of errors, so the loop neither spins nor floods the log. Not API. MUST be used from one greenlet.
 */
public final class AcceptBackoff {
    private static final System.Logger LOG = System.getLogger("dev.gevent4j.io");
    private static final long MIN_MS = 10;
    private static final long MAX_MS = 1000;

    private final String what;
    private long delayMs;
    private int failures;

    public AcceptBackoff(String what) {
        this.what = what;
    }

    /**
     * Records a failure, logs it if it starts a run of failures, and sleeps. Logging itself may fail when the process
     * is out of file descriptors (a log formatter opening a file): that never ends the caller's loop.
     */
    public void failed(Throwable e) {
        failures++;
        delayMs = delayMs == 0 ? MIN_MS : Math.min(MAX_MS, delayMs * 2);
        if (failures == 1) {
            try {
                if (e instanceof IOException) {
                    LOG.log(System.Logger.Level.WARNING, "{0}: accept failed ({1}); pausing {2} ms, then retrying",
                            what, e.getMessage(), delayMs);
                } else {
                    LOG.log(System.Logger.Level.ERROR, what + ": unexpected error in the accept loop; pausing "
                            + delayMs + " ms, then retrying", e);
                }
            } catch (Throwable logFailure) {
                // nothing else to do: the pause below still happens
            }
        }
        Gevent.sleep(delayMs);
    }

    /** Records a success: the next failure starts a new run. */
    public void succeeded() {
        if (failures > 0) {
            try {
                LOG.log(System.Logger.Level.INFO, "{0}: accepting again after {1} failed attempt(s)", what, failures);
            } catch (Throwable logFailure) {
                // see failed()
            }
            failures = 0;
            delayMs = 0;
        }
    }

    /** Failures in the current run. */
    public int failures() {
        return failures;
    }
}
