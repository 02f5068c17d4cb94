package dev.secondsite.core.spi;

import dev.secondsite.core.internal.Checks;

/**
 * Where the VMs of a test failover are connected (F1): to no network, to an existing VM network of the recovery
 * site, or to an isolated network created for the test.
 *
 * <p>Every implementation is an immutable record and thread-safe.
 */
public sealed interface TestNetwork {
    static TestNetwork none() {
        return None.INSTANCE;
    }

    static TestNetwork existing(String vmNetwork) {
        return new Existing(vmNetwork);
    }

    static TestNetwork isolated(String name) {
        return new Isolated(name);
    }

    /** The network the test VM's adapters connect to, or null for none. */
    String networkName();

    record None() implements TestNetwork {
        private static final None INSTANCE = new None();

        @Override
        public String networkName() {
            return null;
        }

        @Override
        public String toString() {
            return "no network";
        }
    }

    record Existing(String vmNetwork) implements TestNetwork {
        public Existing {
            Checks.text(dev.secondsite.core.Rule.F1, "test network", "vmNetwork", vmNetwork);
        }

        @Override
        public String networkName() {
            return vmNetwork;
        }

        @Override
        public String toString() {
            return "existing network " + vmNetwork;
        }
    }

    record Isolated(String name) implements TestNetwork {
        public Isolated {
            Checks.text(dev.secondsite.core.Rule.F1, "test network", "name", name);
        }

        @Override
        public String networkName() {
            return name;
        }

        @Override
        public String toString() {
            return "isolated network " + name;
        }
    }
}
