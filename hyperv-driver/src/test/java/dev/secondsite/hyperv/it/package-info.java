/**
 * End-to-end tests: the Hyper-V driver, the VMM reader and the plan-script runner over the simulated fabric, alone
 * and through the core engine (a vault and two providers on the {@code local:} transport).
 */
@ParametersAreNonnullByDefault
package dev.secondsite.hyperv.it;

import javax.annotation.ParametersAreNonnullByDefault;
