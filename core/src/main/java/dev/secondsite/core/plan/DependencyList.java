package dev.secondsite.core.plan;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * An immutable list of dependencies kept as two arrays of ids, so that a plan with 10^5 dependencies holds two arrays
 * rather than 10^5 records; {@link #get(int)} makes the record. Equal to any list of equal dependencies.
 */
final class DependencyList extends AbstractList<Dependency> implements RandomAccess {
    private static final DependencyList EMPTY = new DependencyList(new String[0], new String[0]);

    private final String[] vms;
    private final String[] afters;

    /** Takes ownership of the arrays, which hold valid ids. */
    DependencyList(String[] vms, String[] afters) {
        this.vms = vms;
        this.afters = afters;
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
        return new DependencyList(vms, afters);
    }

    @Override
    public Dependency get(int index) {
        return new Dependency(vms[index], afters[index]);
    }

    @Override
    public int size() {
        return vms.length;
    }

    String vm(int index) {
        return vms[index];
    }

    String after(int index) {
        return afters[index];
    }
}
