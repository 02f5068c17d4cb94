/**
 * The {@code https:} transport between a vault and its providers (mutual TLS, provider connects out). Found with
 * ServiceLoader by scheme. Filled in by a later issue; today the module holds nothing but this description.
 */
@ParametersAreNonnullByDefault
package dev.secondsite.transport.https;

import javax.annotation.ParametersAreNonnullByDefault;
