/**
 * The provider: the agent on one VMM server that registers with a vault, syncs the server's inventory and carries
 * out the vault's commands on its Hyper-V hosts ({@link dev.secondsite.core.provider.Provider}).
 */
@ParametersAreNonnullByDefault
package dev.secondsite.core.provider;

import javax.annotation.ParametersAreNonnullByDefault;
