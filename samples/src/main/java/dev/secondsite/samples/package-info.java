/** Runnable programs that show Secondsite end to end; samples may print. */
@ParametersAreNonnullByDefault
package dev.secondsite.samples;

import javax.annotation.ParametersAreNonnullByDefault;
