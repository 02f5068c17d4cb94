package dev.secondsite.core;

/** How much a {@link Finding} matters: an {@link #ERROR} blocks the operation, a {@link #WARNING} is reported. */
public enum Severity {
    ERROR,
    WARNING
}
