package dev.gevent4j.internal.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The agent's one list option, platformThreads: its syntax inside the comma-separated option string. */
@org.junit.jupiter.api.Timeout(value = 30, unit = TimeUnit.SECONDS) // JUnit's @Timeout, fully qualified
class AgentOptionsTest {
    @Test
    void platformThreadsTakesPatternsSeparatedByBarOrSemicolonAndMayRepeat() {
        AgentOptions o = AgentOptions.parse("threads=true,platformThreads=grpc-*|*Boss*;com.example.Loop,"
                + "platformThreads= x? ,dns=false");
        assertEquals("grpc-*|*Boss*|com.example.Loop|x?", o.list("platformThreads"));
        assertEquals(false, o.enabled("dns"));
        assertEquals("", AgentOptions.parse("").list("platformThreads"));
        assertEquals(List.of("a", "b"), AgentOptions.patterns(" a ||b;"));
    }

    @Test
    void aCommaBetweenPatternsOrNoPatternIsAStartUpErrorThatSaysWhy() {
        IllegalArgumentException comma = assertThrows(IllegalArgumentException.class,
                () -> AgentOptions.parse("platformThreads=grpc-*,*Boss*"));
        assertTrue(comma.getMessage().contains("separated by '|' or ';', not by ','"), comma.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> AgentOptions.parse("platformThreads"));
        assertTrue(empty.getMessage().contains("platformThreads=grpc-*|*Boss*"), empty.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> AgentOptions.parse("bogus=true"));
        assertTrue(unknown.getMessage().contains("platformThreads=<glob>|<glob>"), unknown.getMessage());
    }
}
