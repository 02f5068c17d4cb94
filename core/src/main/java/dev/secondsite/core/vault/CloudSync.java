package dev.secondsite.core.vault;

/** R4: whether registration syncs every cloud of the server, or none so that clouds are synced one by one. */
public enum CloudSync {
    /** Every cloud of the server is synced at registration and on every later sync. */
    ALL,
    /** No cloud is synced at registration; each is synced with {@link Vault#syncCloud(String, String)}. */
    ONE_BY_ONE
}
