@ParametersAreNonnullByDefault
package dev.secondsite.samples.drill;

import javax.annotation.ParametersAreNonnullByDefault;
