package dev.secondsite.core.plan;

import java.util.Arrays;
import javax.annotation.Nullable;

/**
 * The VMs of a plan being built: each VM id gets a slot, found through an open-addressing hash table of ints, and the
 * slot records the group holding the VM. A removed VM leaves its slot empty. Large plans cost a few arrays, not an
 * object per VM.
 */
final class VmSlots {
    private static final int DELETED = -1;

    private String[] ids;
    private RecoveryPlan.GroupDraft[] groups;
    private int slots;
    private int live;
    // slot + 1, 0 for empty, DELETED for a removed entry that probes must walk past
    private int[] table;
    private int used;

    VmSlots(int expected) {
        int capacity = Math.max(16, expected);
        ids = new String[capacity];
        groups = new RecoveryPlan.GroupDraft[capacity];
        table = new int[tableSize(capacity)];
    }

    /** A power of two at least four times {@code entries}: probes stay short until it is half full. */
    private static int tableSize(int entries) {
        int size = 16;
        while (size < entries * 4) {
            size <<= 1;
        }
        return size;
    }

    private static int hash(String id) {
        int h = id.hashCode();
        return h ^ (h >>> 16);
    }

    /** The slot of {@code id}, or -1. */
    int find(String id) {
        int mask = table.length - 1;
        for (int i = hash(id) & mask; ; i = (i + 1) & mask) {
            int entry = table[i];
            if (entry == 0) {
                return -1;
            }
            if (entry > 0 && ids[entry - 1].equals(id)) {
                return entry - 1;
            }
        }
    }

    /** Gives {@code id}, which must not be present, a new slot in {@code group}. */
    int add(String id, RecoveryPlan.GroupDraft group) {
        if (slots == ids.length) {
            ids = Arrays.copyOf(ids, slots * 2);
            groups = Arrays.copyOf(groups, slots * 2);
        }
        if ((used + 1) * 2 > table.length) {
            rehash();
        }
        int slot = slots++;
        ids[slot] = id;
        groups[slot] = group;
        insert(id, slot);
        live++;
        used++;
        return slot;
    }

    private void insert(String id, int slot) {
        int mask = table.length - 1;
        int i = hash(id) & mask;
        while (table[i] > 0) {
            i = (i + 1) & mask;
        }
        table[i] = slot + 1;
    }

    private void rehash() {
        table = new int[tableSize(live + 1)];
        used = 0;
        for (int slot = 0; slot < slots; slot++) {
            if (ids[slot] != null) {
                insert(ids[slot], slot);
                used++;
            }
        }
    }

    void remove(int slot) {
        int mask = table.length - 1;
        for (int i = hash(ids[slot]) & mask; ; i = (i + 1) & mask) {
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
