package dev.gevent4j.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Client libraries under the agent, each called by 100-200 of the app's own threads at once against a slow server
 * this test JVM runs (HTTP, a line protocol, SMTP: {@link TestServers}). See {@link CompatRun#check}.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ClientsCompatTest {
    private static TestServers.Http http;
    private static TestServers.Lines lines;
    private static TestServers.Smtp smtp;

    @BeforeAll
    static void startServers() throws Exception {
        http = new TestServers.Http();
        lines = new TestServers.Lines();
        smtp = new TestServers.Smtp();
    }

    @AfterAll
    static void stopServers() throws Exception {
        try (TestServers.Http h = http; TestServers.Lines l = lines; TestServers.Smtp s = smtp) {
            // closed in reverse order
        }
    }

    @Test
    void jdkHttpClient() throws Exception {
        CompatRun.check(Case.JDK_HTTPCLIENT, List.of(), "" + http.port(), "" + Case.JDK_HTTPCLIENT.n);
    }

    @Test
    void apacheHttpClient5() throws Exception {
        CompatRun.check(Case.APACHE_HTTPCLIENT5, List.of(), "" + http.port(), "" + Case.APACHE_HTTPCLIENT5.n);
    }

    @Test
    void okHttp() throws Exception {
        CompatRun.check(Case.OKHTTP, List.of(), "" + http.port(), "" + Case.OKHTTP.n);
    }

    @Test
    void rawSocketReadLine() throws Exception {
        CompatRun.check(Case.RAW_SOCKET, List.of(), "" + lines.port(), "" + Case.RAW_SOCKET.n);
    }

    @Test
    void jakartaMailOverSmtp() throws Exception {
        int before = smtp.messages.get();
        CompatRun.check(Case.SMTP_ANGUS, List.of(), "" + smtp.port(), "" + Case.SMTP_ANGUS.n);
        // each run: 5 warm-up messages and n measured ones, with and without the agent
        assertEquals(2 * (5 + Case.SMTP_ANGUS.n), smtp.messages.get() - before);
    }
}
