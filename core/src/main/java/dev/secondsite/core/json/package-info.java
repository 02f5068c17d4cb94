/**
 * Versioned JSON documents: the vault configuration, recovery plans (ours and the site-recovery API's shape).
 * Import is all or nothing: a bad document throws {@link dev.secondsite.core.InvalidDocumentException} naming
 * the JSON path and the rule. Secrets are never exported.
 */
@ParametersAreNonnullByDefault
package dev.secondsite.core.json;

import javax.annotation.ParametersAreNonnullByDefault;
