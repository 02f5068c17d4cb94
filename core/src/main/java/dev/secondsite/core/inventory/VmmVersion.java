package dev.secondsite.core.inventory;

/** Releases of System Center Virtual Machine Manager, oldest first (P1 needs {@link #SC2012_SP1} or later). */
public enum VmmVersion {
    SC2012,
    SC2012_SP1,
    SC2012_R2,
    SC2016,
    SC2019,
    SC2022,
    SC2025;

    public boolean isAtLeast(VmmVersion other) {
        return compareTo(other) >= 0;
    }
}
