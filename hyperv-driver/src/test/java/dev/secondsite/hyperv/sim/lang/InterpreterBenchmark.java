package dev.secondsite.hyperv.sim.lang;

import dev.secondsite.hyperv.PowerShellInvocation;
import dev.secondsite.hyperv.PowerShellResult;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * CPU per run of the docs' bootstrap (decode -EncodedCommand, parse from the cache, read the stdin JSON, bind and
 * run two trivial cmdlets, write the JSON envelope), on one thread, once warm. Goal: well under 50 us.
 * Run: {@code mvn -B -o -q -pl hyperv-driver -am test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.secondsite.hyperv.sim.lang.InterpreterBenchmark} (or from the IDE).
 */
public final class InterpreterBenchmark {
    private InterpreterBenchmark() {
    }

    public static void main(String[] args) {
        PowerShellInterpreter ps = PowerShellInterpreter.builder().cmdlet(TestCmdlets.enableVMReplication())
                .cmdlet(TestCmdlets.getVMReplication()).build();
        String script = TestCmdlets.resource("bootstrap.ps1");
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int warmup = 50_000;
        int runs = 200_000;
        for (String mode : new String[] {"local", "remote"}) {
            String stdin = mode.equals("local")
                    ? "{\"ArgumentList\":[\"web-01\",\"replica01.contoso.com\",8084,\"Kerberos\"]}"
                    : "{\"ArgumentList\":[\"web-01\",\"replica01.contoso.com\",8084,\"Kerberos\"],"
                    + "\"ComputerName\":\"hv01\",\"UseSSL\":true,\"Credential\":{\"UserName\":\"u\",\"Password\":\"p\"}}";
            PowerShellInvocation invocation = TestCmdlets.encoded(script, stdin);
            long sink = 0;
            for (int i = 0; i < warmup; i++) {
                sink += ps.run(invocation, "vmm01").stdout().length();
            }
            long cpu = threads.getCurrentThreadCpuTime();
            long wall = System.nanoTime();
            for (int i = 0; i < runs; i++) {
                PowerShellResult r = ps.run(invocation, "vmm01");
                sink += r.stdout().length();
            }
            double cpuUs = (threads.getCurrentThreadCpuTime() - cpu) / 1_000.0 / runs;
            double wallUs = (System.nanoTime() - wall) / 1_000.0 / runs;
            System.out.printf(Locale.ROOT, "bootstrap %-6s: %.1f us CPU per run (%.1f us wall), %d runs (%d)%n",
                    mode, cpuUs, wallUs, runs, sink % 7);
        }
    }
}
