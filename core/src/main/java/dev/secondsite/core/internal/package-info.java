/** Helpers shared inside core. Not part of the API: other modules and users never import this package. */
@ParametersAreNonnullByDefault
package dev.secondsite.core.internal;

import javax.annotation.ParametersAreNonnullByDefault;
