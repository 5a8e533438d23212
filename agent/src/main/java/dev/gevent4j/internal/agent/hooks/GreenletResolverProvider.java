package dev.gevent4j.internal.agent.hooks;

import dev.gevent4j.internal.MonkeyState;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;

/**
 * The JDK's name-resolution SPI (JEP 418) as the agent's DNS patch (option {@code dns}): registered in the boot
 * jar's {@code META-INF/services}, so {@link java.net.InetAddress} picks it up on its first lookup. With dns=false (or
 * without the agent's state) it hands back the JDK's built-in resolver unchanged.
 *
 * <pre>{@code
 * InetAddress.getByName("example.com");   // in a greenlet: resolved on the hub's thread pool
 * }</pre>
 */
public final class GreenletResolverProvider extends InetAddressResolverProvider {
    @Override
    public InetAddressResolver get(Configuration configuration) {
        InetAddressResolver builtin = configuration.builtinResolver();
        Boolean on = MonkeyState.options().get("dns");
        return on != null && on ? new GreenletResolver(builtin) : builtin;
    }

    @Override
    public String name() {
        return "gevent4j";
    }
}
