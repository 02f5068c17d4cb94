/**
 * The {@code local:} transport: a vault and its providers joined in one JVM, for tests, samples and the embedded
 * default ({@link dev.secondsite.core.transport.local.LocalTransport}).
 */
@ParametersAreNonnullByDefault
package dev.secondsite.core.transport.local;

import javax.annotation.ParametersAreNonnullByDefault;
