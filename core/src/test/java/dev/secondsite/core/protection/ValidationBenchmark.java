package dev.secondsite.core.protection;

import dev.secondsite.core.ValidationReport;
import dev.secondsite.core.inventory.CloudRef;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.inventory.Vm;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Times {@link ProtectionConfiguration#validate(Map)} for a vault of n = 500 servers (5,000 clouds, 50,000 VMs) and
 * of 2n = 1,000 servers in the same run, and checks that doubling the vault at most about doubles the time (ratio
 * 2n/n at most 2.3: no quadratic scan hides in a check). Not a test: run it with
 * <pre>
 * mvn -B -q -pl core test-compile exec:java -Dsecondsite.skipExec=false -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.secondsite.core.protection.ValidationBenchmark
 * </pre>
 *
 * <p>Each server has 10 clouds of 2 hosts with 5 VMs each, 4 VM networks and one storage classification per cloud.
 * Clouds C0..C4 of server i are paired to clouds C5..C9 of server i+1 (half the clouds are primaries, every cloud is
 * in a pairing), every network and primary classification is mapped to server i+1, and every VM of a primary cloud
 * is protected and finalized. Everything is built through the public operations.
 */
public final class ValidationBenchmark {
    private static final int CLOUDS = 10;
    private static final int HOSTS_PER_CLOUD = 2;
    private static final int VMS_PER_HOST = 5;
    private static final int NETWORKS = 4;
    private static final int WARMUP_ROUNDS = 5;
    private static final int MEASURED_ROUNDS = 21;
    private static final double MAX_RATIO = 2.3;

    private ValidationBenchmark() {
    }

    /** A vault-sized inventory and configuration. */
    private record Vault(Map<String, Site> sites, ProtectionConfiguration configuration) {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        long start = System.nanoTime();
        Vault small = vault(n);
        Vault large = vault(2 * n);
        System.out.printf(Locale.ROOT, "built n=%d (%d clouds, %d VMs, %d protected) and 2n=%d (%d clouds, %d VMs, "
                        + "%d protected) in %.1f s%n", n, clouds(small), vms(small),
                small.configuration().protectedVms().size(), 2 * n, clouds(large), vms(large),
                large.configuration().protectedVms().size(), (System.nanoTime() - start) / 1e9);
        for (int i = 0; i < WARMUP_ROUNDS; i++) {
            time(small);
            time(large);
        }
        long bestSmall = Long.MAX_VALUE;
        long bestLarge = Long.MAX_VALUE;
        for (int i = 0; i < MEASURED_ROUNDS; i++) {
            bestSmall = Math.min(bestSmall, time(small));
            bestLarge = Math.min(bestLarge, time(large));
        }
        double ratio = (double) bestLarge / bestSmall;
        System.out.printf(Locale.ROOT, "validate, best of %d after %d warmup rounds: n=%d %.2f ms, 2n=%d %.2f ms, "
                + "ratio 2n/n = %.2f (limit %.1f)%n", MEASURED_ROUNDS, WARMUP_ROUNDS, n, bestSmall / 1e6, 2 * n,
                bestLarge / 1e6, ratio, MAX_RATIO);
        if (ratio > MAX_RATIO) {
            System.out.println("FAIL: validate grows faster than linearly");
            System.exit(1);
        }
        System.out.println("OK");
    }

    private static long time(Vault vault) {
        // collect the previous run's garbage now, so that no run pays for another's
        System.gc();
        long t0 = System.nanoTime();
        ValidationReport report = vault.configuration().validate(vault.sites());
        long elapsed = System.nanoTime() - t0;
        if (report.hasErrors()) {
            throw new IllegalStateException("the benchmark's vault should validate clean: " + report.errors().get(0));
        }
        return elapsed;
    }

    private static Vault vault(int servers) {
        Map<String, Site> sites = new HashMap<>();
        for (int s = 0; s < servers; s++) {
            Site site = ProtectionFixtures.scaledSite(server(s), CLOUDS, HOSTS_PER_CLOUD, VMS_PER_HOST, NETWORKS);
            sites.put(site.id(), site);
        }
        ProtectionConfiguration c = ProtectionConfiguration.empty();
        int half = CLOUDS / 2;
        for (int s = 0; s < servers; s++) {
            String next = server((s + 1) % servers);
            for (int i = 0; i < half; i++) {
                CloudRef primary = new CloudRef(server(s), "C" + i);
                c = c.pair(new CloudPairing(primary, new CloudRef(next, "C" + (i + half)),
                        ReplicationSettings.defaults()), sites).configuration();
            }
        }
        for (int s = 0; s < servers; s++) {
            String next = server((s + 1) % servers);
            for (int k = 0; k < NETWORKS; k++) {
                c = c.mapNetwork(new NetworkMapping(server(s), "N" + k, next, "N" + k), sites).configuration();
            }
            for (int i = 0; i < half; i++) {
                c = c.mapStorage(new StorageMapping(server(s), "S" + i, next, "S" + (i + half)), sites)
                        .configuration();
            }
        }
        for (int s = 0; s < servers; s++) {
            Site site = sites.get(server(s));
            for (int i = 0; i < half; i++) {
                CloudRef primary = new CloudRef(server(s), "C" + i);
                for (String host : site.hostsOf(primary.cloud())) {
                    for (Vm vm : site.vmsOn(host)) {
                        c = ProtectionFixtures.protectAndFinalize(c, primary, vm.id(), sites);
                    }
                }
            }
        }
        return new Vault(sites, c);
    }

    private static String server(int i) {
        return "vmm" + i;
    }

    private static int clouds(Vault v) {
        return v.sites().values().stream().mapToInt(s -> s.clouds().size()).sum();
    }

    private static int vms(Vault v) {
        return v.sites().values().stream().mapToInt(s -> s.vms().size()).sum();
    }
}
