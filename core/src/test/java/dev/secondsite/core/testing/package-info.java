/** Test helpers shared by core's tests and, through core's test-jar, by the other modules' tests. */
@ParametersAreNonnullByDefault
package dev.secondsite.core.testing;

import javax.annotation.ParametersAreNonnullByDefault;
