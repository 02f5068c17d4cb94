/** x */
@ParametersAreNonnullByDefault
package dev.secondsite.store.postgresql;

import javax.annotation.ParametersAreNonnullByDefault;
