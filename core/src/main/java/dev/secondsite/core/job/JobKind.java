package dev.secondsite.core.job;

/** What a job does (J1): every configuration change and every protection and failover operation is a job. */
public enum JobKind {
    PAIR_CLOUDS,
    EDIT_PAIRING,
    UNPAIR_CLOUDS,
    MAP_NETWORK,
    UNMAP_NETWORK,
    MAP_STORAGE,
    UNMAP_STORAGE,
    ENABLE_PROTECTION,
    DISABLE_PROTECTION,
    ONBOARD,
    TEST_FAILOVER,
    CLEANUP_TEST_FAILOVER,
    PLANNED_FAILOVER,
    UNPLANNED_FAILOVER,
    CHANGE_RECOVERY_POINT,
    COMMIT,
    REVERSE_REPLICATION,
    CANCEL_FAILOVER
}
