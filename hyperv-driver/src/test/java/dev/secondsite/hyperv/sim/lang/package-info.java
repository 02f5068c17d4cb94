/** Tests of the simulated fabric's PowerShell interpreter, its test cmdlets and its benchmark. */
@ParametersAreNonnullByDefault
package dev.secondsite.hyperv.sim.lang;

import javax.annotation.ParametersAreNonnullByDefault;
