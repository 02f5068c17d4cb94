/** Tests of the Hyper-V and VMM model and its cmdlets, called directly through {@link dev.secondsite.hyperv.sim.model.TestCall}. */
@ParametersAreNonnullByDefault
package dev.secondsite.hyperv.sim.model;

import javax.annotation.ParametersAreNonnullByDefault;
