/**
 * The provider-to-vault registration protocol: what a provider sends to register its VMM server
 * ({@link dev.secondsite.core.registration.ServerRegistration}) and sync its inventory, what the vault answers
 * ({@link dev.secondsite.core.registration.RegistrationResult}, {@link dev.secondsite.core.registration.SyncReport}),
 * and the endpoint a transport carries these calls to ({@link dev.secondsite.core.registration.VaultEndpoint}).
 * Depends only on the root package, internal and inventory, so transports and providers can speak it without
 * knowing the vault.
 */
@ParametersAreNonnullByDefault
package dev.secondsite.core.registration;

import javax.annotation.ParametersAreNonnullByDefault;
