/**
 * The vault's {@link dev.secondsite.core.spi.StateStore} in PostgreSQL:
 * {@link dev.secondsite.store.postgresql.PostgresStateStore}, opened from
 * {@link dev.secondsite.store.postgresql.PostgresStoreOptions} (a DataSource, or a JDBC URL with a user and a
 * {@link dev.secondsite.core.Secret} password) or found by ServiceLoader for {@code jdbc:postgresql:} store URIs
 * ({@code VaultOptions.builder(...).store(uri, user, password)}). Like the journal store, it does I/O, runs a
 * writer thread and logs through SLF4J; it never logs a password or a record's payload.
 *
 * <p><b>Tables</b> (prefix {@code secondsite_} by default): {@code meta} (the schema version), {@code records}
 * (sequence, type, payload, CRC32C, epoch), {@code snapshot} (one row), {@code leader} (one row: the current epoch,
 * who raised it and when). The schema is versioned; each version is a list of steps, so a new database and an old
 * one run the same code, in one transaction at open.
 *
 * <p><b>Fencing.</b> Every write carries the writer's epoch and is refused by the database, in the same transaction,
 * when the epoch is stale: a batch of records is one {@code WITH fence AS (SELECT epoch FROM leader WHERE id = 1 AND
 * epoch = ? FOR SHARE) INSERT ... SELECT ... CROSS JOIN fence}, which inserts nothing once the epoch moved on; a
 * snapshot first reads the leader row {@code FOR SHARE} and compares. A takeover raises the epoch with an
 * {@code UPDATE} of that row, which waits for the writes that hold it and makes every later write of the old
 * writer fail with {@link dev.secondsite.core.spi.StateStoreFencedException}. In this version the epoch is raised
 * by each open: the last instance to open the store is its writer.
 *
 * <p><b>Leader election</b> ({@link dev.secondsite.store.postgresql.HaVault}). Chosen: a session advisory lock ({@code pg_try_advisory_lock}) held
 * on a dedicated connection of each instance. Only the holder raises the epoch (then opens the store as today); a
 * standby polls the lock and takes over when it is free. The lock goes with the session, so PostgreSQL itself
 * releases it when the active instance dies or its connection is cut (TCP keep-alive and
 * {@code tcp_keepalives_*}/{@code idle_session_timeout} bound how long that takes), with no clock shared between
 * instances and no lease to renew; an old leader that lost its session but is still running cannot write anyway,
 * because fencing refuses its epoch. A lease row would need clocks and renewal writes for the same guarantee.
 * The instance that loses its lock connection (checked every check period) or whose store stops writing (fenced or
 * failed) stops acting at once (it can no longer prove it leads): its store refuses further writes, its vault is
 * closed with its jobs as journaled (none failed), and it either regains the lock or stands by. The leader row
 * ({@code holder}, {@code address}, schema version 3) names the instance that leads.
 *
 * <p><b>Providers over HTTPS.</b> Each instance serves on its own HTTPS listener (an {@code HttpsTransport} it keeps
 * for its whole life, with the instance's address given to {@code HaVault.Builder.address}); all instances use the
 * vault's one CA (the same {@code vault-ca.p12} in each instance's CA directory, or the same keystore), so the CA a
 * provider pinned and the client certificate it was issued are good with every instance, and registered servers
 * live in the shared store. A standby's listener answers every call {@code 503} with
 * {@code {"error":"NOT_ACTIVE","active":"https://..."}} naming the active instance (read from the leader row); an
 * {@code HttpsVaultLink} built with every instance's address ({@code https://vault-a:8443,vault-b:8443/} by
 * ServiceLoader) follows it, and after a takeover reconnects to the new active instance without registering again,
 * where the resumed jobs re-send their in-flight commands with the same idempotency keys.
 */
@ParametersAreNonnullByDefault
package dev.secondsite.store.postgresql;

import javax.annotation.ParametersAreNonnullByDefault;
