package dev.secondsite.core.plan;

import java.util.Arrays;
import javax.annotation.Nullable;

/**
 * The VMs of a plan being built: each VM id gets a slot, found through an open-addressing hash table of ints, and the
 * slot records the group holding the VM. A removed VM leaves its slot empty. Large plans cost a few arrays, not an
 * object per VM; each slot keeps its id's hash, so that probing and growing the table never touch the id strings.
 */
final class VmSlots {
    private static final int DELETED = -1;

    private String[] ids;
    private int[] hashes;
    private RecoveryPlan.GroupDraft[] groups;
    private int slots;
    private int live;
    // slot + 1, 0 for empty, DELETED for a removed entry that probes must walk past; at most half full
    private int[] table;
    private int used;

    VmSlots(int expected) {
        int capacity = Math.max(16, expected);
        ids = new String[capacity];
        hashes = new int[capacity];
        groups = new RecoveryPlan.GroupDraft[capacity];
        table = new int[tableSize(capacity)];
    }

    /** The smallest power of two above twice {@code entries}. */
    private static int tableSize(int entries) {
        return Integer.highestOneBit(entries * 2) << 1;
    }

    private static int hash(String id) {
        int h = id.hashCode();
        return h ^ (h >>> 16);
    }

    /** The slot of {@code id}, or -1. */
    int find(String id) {
        int h = hash(id);
        int mask = table.length - 1;
        for (int i = h & mask; ; i = (i + 1) & mask) {
            int entry = table[i];
            if (entry == 0) {
                return -1;
            }
            if (entry > 0 && hashes[entry - 1] == h && ids[entry - 1].equals(id)) {
                return entry - 1;
            }
        }
    }

    /** Gives {@code id}, which must not be present, a new slot in {@code group}. */
    int add(String id, RecoveryPlan.GroupDraft group) {
        if (slots == ids.length) {
            ids = Arrays.copyOf(ids, slots * 2);
            hashes = Arrays.copyOf(hashes, slots * 2);
            groups = Arrays.copyOf(groups, slots * 2);
        }
        if ((used + 1) * 2 > table.length) {
            rehash();
        }
        int slot = slots++;
        ids[slot] = id;
        hashes[slot] = hash(id);
        groups[slot] = group;
        if (insert(slot)) {
            used++;
        }
        live++;
        return slot;
    }

    /** Puts {@code slot} in the table; true when it took an empty place rather than a deleted one. */
    private boolean insert(int slot) {
        int mask = table.length - 1;
        int i = hashes[slot] & mask;
        while (table[i] > 0) {
            i = (i + 1) & mask;
        }
        boolean empty = table[i] == 0;
        table[i] = slot + 1;
        return empty;
    }

    /** Drops the deleted entries, and doubles the table when live entries fill a quarter of it. */
    private void rehash() {
        table = new int[live * 4 >= table.length ? table.length * 2 : table.length];
        used = 0;
        for (int slot = 0; slot < slots; slot++) {
            if (ids[slot] != null) {
                insert(slot);
                used++;
            }
        }
    }

    void remove(int slot) {
        int mask = table.length - 1;
        for (int i = hashes[slot] & mask; ; i = (i + 1) & mask) {
            if (table[i] == slot + 1) {
                table[i] = DELETED;
                break;
            }
        }
        ids[slot] = null;
        groups[slot] = null;
        live--;
    }

    String id(int slot) {
        return ids[slot];
    }

    @Nullable RecoveryPlan.GroupDraft group(int slot) {
        return groups[slot];
    }

    void setGroup(int slot, RecoveryPlan.GroupDraft group) {
        groups[slot] = group;
    }

    /** How many VMs are present. */
    int size() {
        return live;
    }

    /** One more than the highest slot ever given. */
    int slotCount() {
        return slots;
    }
}
