/**
 * The DR drill as a small library of steps: {@link dev.secondsite.samples.drill.Drill#run} takes
 * {@link dev.secondsite.samples.drill.DrillOptions} and the sites to drill on
 * ({@link dev.secondsite.samples.drill.DrillHosts}: the simulated fabric, or real VMM servers described by a
 * {@link dev.secondsite.samples.drill.SitesFile}) and returns a {@link dev.secondsite.samples.drill.DrillResult};
 * the command-line programs ({@code DrDrill}, {@code RealDrill}) are thin picocli mains over it. Samples may print.
 */
@ParametersAreNonnullByDefault
package dev.secondsite.samples.drill;

import javax.annotation.ParametersAreNonnullByDefault;
