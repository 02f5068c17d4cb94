/**
 * Finding a {@link dev.secondsite.core.spi.Transport} by URI scheme ({@link dev.secondsite.core.transport.Transports});
 * the transports themselves live in sub-packages ({@code local}) and other modules ({@code https}).
 */
@ParametersAreNonnullByDefault
package dev.secondsite.core.transport;

import javax.annotation.ParametersAreNonnullByDefault;
