package dev.gevent4j.compat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Thread-per-request servers and a plain executor app under the agent, each app in its own child JVM with its own
 * load generator (JDK virtual threads, outside the agent's business): 200 concurrent requests that each take
 * 0.5 s, within 32 platform threads under the agent (issue #14's goal). See {@link CompatRun#check}.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ServersCompatTest {
    @Test
    void jdkHttpServerWithAFixedPoolOf200() throws Exception {
        CompatRun.check(Case.JDK_HTTPSERVER, List.of(), "" + Case.JDK_HTTPSERVER.n);
    }

    @Test
    void jetty12WithAQueuedThreadPoolOf200() throws Exception {
        CompatRun.check(Case.JETTY, List.of(), "" + Case.JETTY.n);
    }

    @Test
    void embeddedTomcatWithMaxThreads200() throws Exception {
        CompatRun.check(Case.TOMCAT, List.of(), "" + Case.TOMCAT.n);
    }

    /** Before issue #14 this hung for good: the shaded Netty boss loop ran as a greenlet in native epoll_wait. */
    @Test
    void grpcWithShadedNettyServerAndBlockingStubClientsInOneJvm() throws Exception {
        CompatRun.check(Case.GRPC, List.of(), "" + Case.GRPC.n);
    }

    @Test
    void aPlainExecutorServiceApp() throws Exception {
        CompatRun.check(Case.EXECUTOR, List.of(), "" + Case.EXECUTOR.n);
    }
}
