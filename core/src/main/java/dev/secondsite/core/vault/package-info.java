/**
 * The facade users hold: {@link dev.secondsite.core.vault.Vault} with registration keys, registered servers and
 * their synced inventory, and the {@link dev.secondsite.core.vault.VaultConfiguration} it keeps.
 */
@ParametersAreNonnullByDefault
package dev.secondsite.core.vault;

import javax.annotation.ParametersAreNonnullByDefault;
