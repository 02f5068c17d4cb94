/**
 * What a drill records and reports: {@link dev.secondsite.samples.report.JobRecorder} listens to a vault's jobs and
 * keeps each job's timeline in memory; {@link dev.secondsite.samples.report.HtmlReport} turns the timelines into one
 * self-contained HTML file (an SVG Gantt chart per job, the jobs, the measured RTO, the configuration).
 */
@ParametersAreNonnullByDefault
package dev.secondsite.samples.report;

import javax.annotation.ParametersAreNonnullByDefault;
