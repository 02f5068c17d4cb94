package dev.secondsite.core.vault;

import dev.secondsite.core.Rule;
import dev.secondsite.core.internal.Checks;
import java.time.Instant;

/**
 * A vault's identity (V1): id, friendly name, region, state and creation time.
 *
 * @param id unique id of the vault; registration keys are bound to it
 * @param name the friendly name
 * @param region the region it was created in
 * @param state {@link VaultState#ACTIVE} once created
 * @param createdAt when it was created
 */
public record VaultInfo(String id, String name, String region, VaultState state, Instant createdAt) {
    public VaultInfo {
        Checks.text(Rule.V1, "vault", "id", id);
        Checks.text(Rule.V1, "vault " + id, "name", name);
        Checks.text(Rule.V1, "vault " + name, "region", region);
        Checks.present(Rule.V1, "vault " + name, "state", state);
        Checks.present(Rule.V1, "vault " + name, "createdAt", createdAt);
    }
}
