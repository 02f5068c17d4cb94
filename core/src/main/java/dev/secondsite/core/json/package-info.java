/**
 * Versioned JSON documents: the vault configuration, recovery plans (ours and the site-recovery API's shape).
 * Import is all or nothing: a bad document throws {@link dev.secondsite.core.InvalidDocumentException} naming
 * the JSON path and the rule. Secrets are never exported.
 *
 * <p>Every public reader refuses every input it cannot read with {@link dev.secondsite.core.InvalidDocumentException},
 * never another exception (a seeded mutation fuzz test holds them to it). Before reading, a document is checked
 * against the limits of {@link dev.secondsite.core.json.DocumentLimits}, rule {@code DOCUMENT}: nesting depth at most
 * {@value dev.secondsite.core.json.DocumentLimits#MAX_NESTING_DEPTH}, strings and field names at most
 * {@value dev.secondsite.core.json.DocumentLimits#MAX_STRING_CHARS} characters, documents at most
 * {@value dev.secondsite.core.json.DocumentLimits#MAX_DOCUMENT_CHARS} characters; trees handed over already parsed
 * are checked against the same limits.
 */
@ParametersAreNonnullByDefault
package dev.secondsite.core.json;

import dev.secondsite.core.InvalidDocumentException;

import javax.annotation.ParametersAreNonnullByDefault;
