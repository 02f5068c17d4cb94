/**
 * The default {@link dev.secondsite.core.spi.StateStore}: {@link dev.secondsite.core.store.JournalStore}, an
 * append-only journal of checksummed records in segment files plus an atomically replaced snapshot, in one locked
 * directory. Unlike the domain packages this one does file I/O, runs a writer thread and logs through SLF4J.
 *
 * <p>Rules it adds to J3: the store's directory is created 0700 and every file 0600 on POSIX file systems (an
 * owner-only ACL elsewhere), because the journal holds the vault's key-signing secret and proxy passwords; a store
 * whose directory or files have group or others permissions is refused with
 * {@link dev.secondsite.core.store.StorePermissionsException} unless
 * {@link dev.secondsite.core.store.JournalOptions#allowSharedPermissions()}. The newest segment is recorded durably
 * in {@code journal.head} each time a segment starts, so a missing newest segment is refused with
 * {@link dev.secondsite.core.store.StoreFileMissingException} rather than opened as older state.
 */
@ParametersAreNonnullByDefault
package dev.secondsite.core.store;

import javax.annotation.ParametersAreNonnullByDefault;
