package dev.secondsite.core.inventory;

/** Windows Server releases of Hyper-V hosts, oldest first (P5 needs {@link #WS2012} or later). */
public enum WindowsServerVersion {
    WS2008_R2,
    WS2012,
    WS2012_R2,
    WS2016,
    WS2019,
    WS2022,
    WS2025;

    public boolean isAtLeast(WindowsServerVersion other) {
        return compareTo(other) >= 0;
    }
}
