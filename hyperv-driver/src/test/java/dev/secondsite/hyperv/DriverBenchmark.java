package dev.secondsite.hyperv;

import dev.secondsite.core.spi.CommandRequest;
import dev.secondsite.core.spi.HostCommand;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;

/**
 * The driver's own CPU per command (build the standard input, pick the cached command line, parse the envelope and
 * map the result) against a runner that answers canned envelopes at once: the driver's share of the issue's
 * 150 us per command goal (the simulator's parse and run come on top). A plain program, not a test:
 * {@code mvn -o -q -pl hyperv-driver -am test-compile} then run this class with the test class path.
 */
public final class DriverBenchmark {
    private DriverBenchmark() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        // answers at once without recording, so only the driver's work is measured
        PowerShellResult canned = Samples.answer(new FakePowerShell.Call(new PowerShellInvocation(
                Scripts.GET_REPLICATION_STATUS.arguments(), "{}", java.time.Duration.ofSeconds(1)),
                Scripts.GET_REPLICATION_STATUS));
        PowerShell ps = invocation -> canned;
        HyperVDriver driver = HyperVDriver.builder().powerShell(ps).rememberedResults(1).build();
        List<CommandRequest> requests = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            requests.add(new CommandRequest("k" + i, "server-a", "hv" + (i % 10) + ".contoso.com",
                    new HostCommand.GetReplicationStatus("id-" + i, "vm-" + i)));
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (int warm = 0; warm < 2; warm++) {
            long cpu0 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < rounds; i++) {
                CommandRequest r = requests.get(i % requests.size());
                if (!driver.execute(new CommandRequest(r.idempotencyKey() + "/" + i, r.serverId(), r.host(),
                        r.command())).succeeded()) {
                    throw new AssertionError("failed");
                }
            }
            long cpu = mx.getCurrentThreadCpuTime() - cpu0;
            System.out.printf("%s: %d commands, %.1f us CPU per command (GetReplicationStatus: stdin, envelope "
                    + "parse, status mapping)%n", warm == 0 ? "warm-up" : "measured", rounds, cpu / 1000.0 / rounds);
        }
    }
}
