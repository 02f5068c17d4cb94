package dev.secondsite.core.inventory;

/** VMM cloud capability profiles. Only {@link #HYPER_V} clouds can be paired (P3). */
public enum CapabilityProfile {
    HYPER_V,
    ESX_SERVER,
    XEN_SERVER
}
