package dev.secondsite.core.inventory;

import dev.secondsite.core.internal.Checks;

/**
 * A VM's virtual hard disk.
 *
 * @param path the disk file's path on its host, unique within its VM
 * @param storageClassification the classification of the storage it lives on
 */
public record VirtualDisk(String path, String storageClassification) {
    public VirtualDisk {
        Checks.text("virtual disk", "path", path);
        Checks.text("virtual disk " + path, "storageClassification", storageClassification);
    }
}
