/**
 * Live progress of a drill's jobs on a console: one updating line per job on a terminal, plain lines otherwise, and a
 * table of jobs at the end. Driven by {@link dev.secondsite.samples.report.JobRecorder}'s progress updates.
 */
@ParametersAreNonnullByDefault
package dev.secondsite.samples.console;

import javax.annotation.ParametersAreNonnullByDefault;
