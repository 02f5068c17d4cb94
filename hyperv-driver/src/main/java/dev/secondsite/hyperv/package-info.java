/**
 * Secondsite's Hyper-V module: a {@link dev.secondsite.core.spi.HostDriver} that carries out the core's host commands
 * with the Hyper-V Replica cmdlets ({@link dev.secondsite.hyperv.HyperVDriver}, found by ServiceLoader under the
 * name {@code hyperv} through {@link dev.secondsite.hyperv.HyperVDriverProvider}), a
 * {@link dev.secondsite.core.spi.ScriptRunner} for recovery plan scripts
 * ({@link dev.secondsite.hyperv.PowerShellScriptRunner}) and a reader of a VMM server's inventory
 * ({@link dev.secondsite.hyperv.VmmSiteReader}).
 *
 * <p>All of them run constant PowerShell scripts (a fixed {@code param(...)} block and body; the values travel as
 * JSON on standard input, never in the script text or on the command line) through the
 * {@link dev.secondsite.hyperv.PowerShell} seam: {@link dev.secondsite.hyperv.ProcessPowerShell} starts
 * {@code powershell.exe} or {@code pwsh} on the VMM server, which reaches each Hyper-V host with
 * {@code Invoke-Command} over WinRM; the simulated fabric in {@code dev.secondsite.hyperv.sim} runs the very same
 * scripts in memory. The language both sides hold to is {@code docs/powershell-subset.md}.
 */
@ParametersAreNonnullByDefault
package dev.secondsite.hyperv;

import javax.annotation.ParametersAreNonnullByDefault;
