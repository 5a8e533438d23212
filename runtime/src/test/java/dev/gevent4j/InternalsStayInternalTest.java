package dev.gevent4j;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gevent4j.internal.Internals;
import dev.gevent4j.internal.MonkeyState;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Application code cannot replace the runtime's blocking primitive, nor make {@link Monkey} report patches the agent
 * did not apply: no module boundary protects class-path users (docs/architecture.md, "Internals stay internal"), so
 * the runtime guards these itself.
 */
// JUnit's @Timeout, fully qualified: dev.gevent4j.Timeout shares its simple name.
@org.junit.jupiter.api.Timeout(30)
class InternalsStayInternalTest {

    @Test
    void theSeamCannotBeReplaced() throws Exception {
        for (Method m : Internals.class.getDeclaredMethods()) {
            assertFalse(Arrays.asList(m.getParameterTypes()).contains(Internals.Hooks.class),
                    "Internals must offer no way to install hooks: " + m);
        }
        Field hooks = Internals.class.getDeclaredField("HOOKS");
        assertTrue(Modifier.isPrivate(hooks.getModifiers()) && Modifier.isFinal(hooks.getModifiers())
                && Modifier.isStatic(hooks.getModifiers()), hooks.toString());
        assertTrue(Gevent.run(() -> 7) == 7, "the runtime's own hooks are in place");
    }

    @Test
    void applicationCodeCannotWriteWhatMonkeyReports() {
        assertThrows(IllegalCallerException.class,
                () -> MonkeyState.agentStarted(List.of("socket"), Map.of("socket", true), Map.of()));
        assertThrows(IllegalCallerException.class, () -> MonkeyState.transformed("sun.nio.ch.Poller#poll"));
        assertThrows(IllegalCallerException.class, () -> MonkeyState.skipped("sun.nio.ch.Poller#poll", "no"));
        assertFalse(Monkey.isAgentAttached());
        assertFalse(MonkeyState.isTransformed("sun.nio.ch.Poller#poll"));
        assertTrue(MonkeyState.skipped().isEmpty());
    }
}
