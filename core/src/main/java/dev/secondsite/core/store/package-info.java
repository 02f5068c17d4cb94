/**
 * The default {@link dev.secondsite.core.spi.StateStore}: {@link dev.secondsite.core.store.JournalStore}, an
 * append-only journal of checksummed records in segment files plus an atomically replaced snapshot, in one locked
 * directory. Unlike the domain packages this one does file I/O, runs a writer thread and logs through SLF4J.
 */
@ParametersAreNonnullByDefault
package dev.secondsite.core.store;

import javax.annotation.ParametersAreNonnullByDefault;
