package dev.gevent4j.internal;

import dev.gevent4j.Hub;

/**
 * Decides whether a wait on a gevent4j primitive counts towards LoopExit detection ("only greenlets of the waiter's
 * own hub can end it"). Not API.
 *
 * <p>A primitive created in a greenlet belongs to that greenlet's hub until anything else touches it: a greenlet of
 * another hub, or a thread outside every hub (including its creation outside any hub). From then on its waits are
 * external: another thread may legitimately end them, so they never cause a LoopExit. The hub's own thread (links,
 * callbacks) counts as the hub.
 *
 * <p>A primitive created on a hub of a {@link dev.gevent4j.HubGroup} is shared from the start: greenlets of the
 * group's other hubs hand primitives around as freely as threads do, and a hub cannot see them coming (a waiter on
 * hub A whose event a greenlet of hub B sets later got a false LoopExit; HubGroupTest).
 *
 * <p>Known limit: a primitive created in a greenlet of a lone hub and handed to a foreign thread that has not touched
 * it yet looks hub-owned; if the hub then runs out of work while a thread outside the hub joins one of its
 * greenlets, that thread gets LoopExit. Create such primitives outside the hub, or touch them from the foreign thread
 * first.
 */
public final class HubAffinity {
    private final Hub owner;
    private volatile boolean shared;

    public HubAffinity() {
        owner = Hub.current();
        shared = owner == null || owner.group() != null;
    }

    /** Records a use of the primitive by the calling thread. Any thread; cheap once shared. */
    public void touch() {
        if (!shared && !owner.inHub()) {
            shared = true;
        }
    }

    /** Records a use and returns whether a wait by the calling thread may count towards LoopExit. */
    public boolean internalWait() {
        touch();
        return !shared;
    }
}
