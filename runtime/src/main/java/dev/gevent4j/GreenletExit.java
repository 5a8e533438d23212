package dev.gevent4j;

import java.io.Serial;

/**
 * What {@link Greenlet#kill()} raises in the greenlet by default. A greenlet that ends with it counts as
 * successful, and its {@link Greenlet#value() value} is this GreenletExit, as in gevent.
 *
 * <pre>{@code
 * Greenlet<?> g = Gevent.spawn(() -> { while (true) Gevent.sleep(1000); });
 * g.kill();                      // GreenletExit is raised inside g at its sleep
 * assert g.isSuccessful() && g.value() instanceof GreenletExit;
 * }</pre>
 *
 * <p>It extends {@link Error}, not {@link RuntimeException}, on purpose: in gevent it is a {@code BaseException},
 * so a plain {@code except Exception} does not swallow a kill. The Java equivalent is that {@code catch (Exception e)}
 * must not swallow it either; only code that really means to intercept a kill catches {@code GreenletExit} (or
 * {@code Throwable}).
 */
public class GreenletExit extends Error {
    @Serial
    private static final long serialVersionUID = 1L;

    public GreenletExit() {
        super("greenlet killed");
    }

    public GreenletExit(String message) {
        super(message);
    }
}
