/**
 * A host driver over Hyper-V PowerShell cmdlets, and a simulated Hyper-V host that runs the same cmdlets in memory.
 * Filled in by a later issue; today the module holds nothing but this description.
 */
@ParametersAreNonnullByDefault
package dev.secondsite.hyperv;

import javax.annotation.ParametersAreNonnullByDefault;
