/**
 * What patched JDK code calls. These classes are loaded from the boot jar (appended to the bootstrap class path
 * at start-up, together with the gevent4j runtime and Netty), never from the agent jar, so that JDK classes can see
 * them. They must not reference Byte Buddy. Every entry point is static, checks first whether the caller is a
 * greenlet, and returns "not handled" for everything else, so platform threads keep the JDK's behaviour.
 */
package dev.gevent4j.internal.agent.hooks;
