/**
 * The {@code local:} transport: a vault and its providers joined in one JVM, for tests, samples and the embedded
 * default ({@link dev.secondsite.core.transport.local.LocalTransport}); and the lookup of a
 * {@link dev.secondsite.core.spi.Transport} by URI scheme ({@link dev.secondsite.core.transport.local.Transports}).
 */
@ParametersAreNonnullByDefault
package dev.secondsite.core.transport.local;

import javax.annotation.ParametersAreNonnullByDefault;
