package dev.secondsite.core.inventory;

/** A VM's power state as Hyper-V reports it (VMState). */
public enum PowerState {
    RUNNING,
    OFF,
    STOPPING,
    SAVED,
    PAUSED,
    STARTING
}
