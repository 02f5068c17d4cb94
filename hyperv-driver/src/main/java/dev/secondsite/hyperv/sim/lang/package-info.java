/**
 * The PowerShell language subset of the simulated fabric: a tokenizer and parser for the scripts the driver emits,
 * an interpreter, the generic cmdlets those scripts use, and the contract ({@link Cmdlet}) by which the Hyper-V and
 * VMM model plugs its cmdlets in. Values inside the interpreter are plain Java objects: {@link String},
 * {@link Integer}/{@link Long}/{@link Double}, {@link Boolean}, null, {@link java.util.List} (arrays),
 * {@link PsHashtable}, {@link PsObject}, {@link PsEnum}, {@link java.time.OffsetDateTime} (DateTime) and script
 * blocks. See {@code docs/powershell-subset.md} for the language the interpreter accepts.
 */
@ParametersAreNonnullByDefault
package dev.secondsite.hyperv.sim.lang;

import javax.annotation.ParametersAreNonnullByDefault;
