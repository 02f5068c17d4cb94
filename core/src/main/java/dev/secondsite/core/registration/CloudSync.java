package dev.secondsite.core.registration;

/** R4: whether registration syncs every cloud of the server, or none so that clouds are synced one by one. */
public enum CloudSync {
    /** Every cloud of the server is synced at registration and on every later sync. */
    ALL,
    /** No cloud is synced at registration; each is synced one by one through the vault's sync of a single cloud. */
    ONE_BY_ONE
}
