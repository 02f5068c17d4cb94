package dev.secondsite.core.vault;

/** A vault's lifecycle state (V1). A vault is {@link #ACTIVE} from its creation. */
public enum VaultState {
    ACTIVE
}
