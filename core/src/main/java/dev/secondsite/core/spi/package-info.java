/**
 * Secondsite's plug-in contracts: the interfaces a module implements to give core a capability it does not build
 * in, e.g. {@link dev.secondsite.core.spi.StateStore} (where the vault keeps its durable state).
 */
@ParametersAreNonnullByDefault
package dev.secondsite.core.spi;

import javax.annotation.ParametersAreNonnullByDefault;
