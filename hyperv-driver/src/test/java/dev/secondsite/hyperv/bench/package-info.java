/** Benchmarks of the driver on the simulated fabric: plain programs, not tests. */
@ParametersAreNonnullByDefault
package dev.secondsite.hyperv.bench;

import javax.annotation.ParametersAreNonnullByDefault;
