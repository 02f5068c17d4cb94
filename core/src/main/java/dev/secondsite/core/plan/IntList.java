package dev.secondsite.core.plan;

import java.util.Arrays;

/** A growable list of ints: the builder keeps VMs and dependencies as slot numbers, without an object per entry. */
final class IntList {
    private int[] values;
    private int size;

    IntList() {
        this(4);
    }

    IntList(int capacity) {
        values = new int[Math.max(capacity, 1)];
    }

    /** Appends {@code value}; true, so that it can sit in a condition. */
    boolean add(int value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = value;
        return true;
    }

    int get(int index) {
        return values[index];
    }

    void set(int index, int value) {
        values[index] = value;
    }

    int size() {
        return size;
    }

    int indexOf(int value) {
        for (int i = 0; i < size; i++) {
            if (values[i] == value) {
                return i;
            }
        }
        return -1;
    }

    void removeAt(int index) {
        System.arraycopy(values, index + 1, values, index, size - index - 1);
        size--;
    }

    /** Keeps the first {@code newSize} values; the caller has compacted what it keeps to the front. */
    void truncate(int newSize) {
        size = newSize;
    }
}
