package dev.gevent4j.compat.apps;

import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.io.entity.EntityUtils;

/**
 * Apache HttpClient 5 classic with a pooling connection manager (n connections): n threads each execute a GET to
 * the slow server. Args: port [n].
 */
public final class ApacheHttpClientApp {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int n = Probe.arg(args, 1, 200);
        Probe p = new Probe();
        PoolingHttpClientConnectionManager cm = PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnTotal(n).setMaxConnPerRoute(n).build();
        try (CloseableHttpClient client = HttpClients.custom().setConnectionManager(cm).build()) {
            Probe.Task call = i -> {
                String body = client.execute(new HttpGet("http://127.0.0.1:" + port + "/slow/" + i), r -> {
                    if (r.getCode() != 200) {
                        throw new IllegalStateException("status " + r.getCode());
                    }
                    return EntityUtils.toString(r.getEntity());
                });
                JdkHttpServerApp.check(body);
            };
            new Probe().onPlainThreads(5, "warm", call);
            p.begin();
            p.onPlainThreads(n, "client", call);
            p.end("apache-httpclient5", n);
        }
    }
}
