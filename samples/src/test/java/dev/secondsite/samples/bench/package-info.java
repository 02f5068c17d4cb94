/** Benchmarks of the samples: plain programs, never unit tests. */
@ParametersAreNonnullByDefault
package dev.secondsite.samples.bench;

import javax.annotation.ParametersAreNonnullByDefault;
