/**
 * Secondsite's shared vocabulary: the root exception {@link dev.secondsite.core.SecondsiteException}, the rule ids
 * of SPEC.md ({@link dev.secondsite.core.Rule}) and validation results ({@link dev.secondsite.core.Finding},
 * {@link dev.secondsite.core.ValidationReport}).
 */
@ParametersAreNonnullByDefault
package dev.secondsite.core;

import javax.annotation.ParametersAreNonnullByDefault;
