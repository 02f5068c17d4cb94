package dev.secondsite.core.json;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.InvalidDocumentException;
import dev.secondsite.core.inventory.Site;

/**
 * A server's inventory ({@link Site}) as one JSON object: the form the configuration document holds under each
 * server's {@code "inventory"} ({@link ConfigurationJson}), and the form the HTTPS API carries when a provider
 * registers or syncs. Reading is strict, as for every document: an unknown field, a wrong type or a value the
 * inventory refuses is an {@link InvalidDocumentException} naming its path, and {@link DocumentLimits} apply.
 *
 * <p>Stateless and thread-safe.
 */
public final class InventoryJson {
    private InventoryJson() {
    }

    /** {@code site} as a JSON object (compact). */
    public static String write(Site site) {
        return SiteJson.write(requireNonNull(site, "site")).toString();
    }

    /**
     * The inventory {@code json} holds.
     *
     * @throws InvalidDocumentException when it is not one well-formed JSON object within {@link DocumentLimits}, or
     *     when a field is unknown, missing, of the wrong type or refused (the message names its path)
     */
    public static Site read(String json) {
        JsonIn in = JsonIn.parse(requireNonNull(json, "json"));
        Site site = SiteJson.read(in);
        in.end();
        return site;
    }
}
