package dev.secondsite.core.plan;

import java.util.AbstractList;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * An immutable list of dependencies kept as a range of two arrays of ids, so that a plan with 10^5 dependencies holds
 * two arrays rather than 10^5 records; {@link #get(int)} makes the record. Equal to any list of equal dependencies.
 */
final class DependencyList extends AbstractList<Dependency> implements RandomAccess {
    private static final DependencyList EMPTY = new DependencyList(new String[0], new String[0], 0, 0);

    private final String[] vms;
    private final String[] afters;
    private final int from;
    private final int size;

    /**
     * The dependencies {@code vms[i]} after {@code afters[i]} for {@code from <= i < to}. The arrays hold valid ids
     * and are never changed again; several lists may share them.
     */
    DependencyList(String[] vms, String[] afters, int from, int to) {
        this.vms = vms;
        this.afters = afters;
        this.from = from;
        this.size = to - from;
    }

    /** {@code dependencies} itself when it is one, else a copy. */
    static DependencyList copyOf(List<Dependency> dependencies) {
        if (dependencies instanceof DependencyList d) {
            return d;
        }
        if (dependencies.isEmpty()) {
            return EMPTY;
        }
        String[] vms = new String[dependencies.size()];
        String[] afters = new String[vms.length];
        for (int i = 0; i < vms.length; i++) {
            Dependency d = dependencies.get(i);
            vms[i] = d.vm();
            afters[i] = d.after();
        }
        return new DependencyList(vms, afters, 0, vms.length);
    }

    @Override
    public Dependency get(int index) {
        return new Dependency(vm(index), after(index));
    }

    @Override
    public int size() {
        return size;
    }

    String vm(int index) {
        return vms[from + Objects.checkIndex(index, size)];
    }

    String after(int index) {
        return afters[from + Objects.checkIndex(index, size)];
    }
}
