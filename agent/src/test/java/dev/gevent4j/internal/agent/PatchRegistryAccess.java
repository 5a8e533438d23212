package dev.gevent4j.internal.agent;

import java.util.List;

/** Test access to the agent's registry (package-private types). */
public final class PatchRegistryAccess {
    private PatchRegistryAccess() {}

    public static List<String> ids() {
        return PatchRegistry.ALL.stream().map(Patch::id).toList();
    }
}
