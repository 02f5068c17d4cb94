/** Tests of the simulated fabric's façade. */
@ParametersAreNonnullByDefault
package dev.secondsite.hyperv.sim;

import javax.annotation.ParametersAreNonnullByDefault;
