package dev.gevent4j.compat.apps;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** java.net.http.HttpClient (HTTP/1.1), one client, n threads each send() a GET to the slow server. Args: port [n]. */
public final class JdkHttpClientApp {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int n = Probe.arg(args, 1, 200);
        Probe p = new Probe();
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build()) {
            Probe.Task call = i -> {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/slow/" + i)).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200 || !"ok".equals(r.body())) {
                    throw new IllegalStateException(r.statusCode() + " " + r.body());
                }
            };
            new Probe().onPlainThreads(5, "warm", call);
            p.begin();
            p.onPlainThreads(n, "client", call);
            p.end("jdk-httpclient", n);
        }
    }
}
