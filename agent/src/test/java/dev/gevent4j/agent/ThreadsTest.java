package dev.gevent4j.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gevent4j.agent.apps.ThreadsApp;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** threads=true in a child JVM: application threads run as greenlets and their Thread objects behave. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ThreadsTest {
    /** Its stderr must stay empty: a hub-stall report on a loaded machine is not the app's output (10 s threshold). */
    static final String QUIET_MONITOR = "-Dgevent4j.monitor.thresholdMillis=10000";

    @Test
    void applicationThreadsAreGreenletsAndBehaveAsThreads() throws Exception {
        ChildJvm.Result r = ChildJvm.run(List.of(QUIET_MONITOR, "-javaagent:" + ChildJvm.agentJar()), List.of(),
                ThreadsApp.class.getName());
        assertEquals("", r.stderr());
        assertEquals(0, r.exitCode());
        assertEquals("""
                before start: NEW alive=false
                after start: started alive=true
                in worker-1 virtual=true
                after join: TERMINATED alive=false
                second start refused
                sleeper interrupted
                sleeper joined: true
                pool task on a virtual thread: true
                pool terminated: true
                uncaught in failing: boom
                main ends
                non-daemon thread outlived main
                """, r.stdout());
    }

    @Test
    void withThreadsFalseTheyStayPlatformThreads() throws Exception {
        ChildJvm.Result r = ChildJvm.run(List.of("-javaagent:" + ChildJvm.agentJar() + "=threads=false"), List.of(),
                ThreadsApp.class.getName());
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals(true, r.stdout().contains("in worker-1 virtual=false\n"), r.stdout());
        assertEquals(true, r.stdout().contains("pool task on a virtual thread: false\n"), r.stdout());
    }
}
