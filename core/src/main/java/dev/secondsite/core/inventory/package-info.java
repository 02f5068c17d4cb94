/**
 * What a VMM server manages, as synced to the vault: {@link dev.secondsite.core.inventory.Site} with its clouds,
 * host groups, Hyper-V hosts and clusters, VMs, networks and storage classifications. Pure immutable values; no
 * I/O, threads or clocks.
 */
@ParametersAreNonnullByDefault
package dev.secondsite.core.inventory;

import javax.annotation.ParametersAreNonnullByDefault;
