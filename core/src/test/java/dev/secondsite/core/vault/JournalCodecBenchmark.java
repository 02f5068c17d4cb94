package dev.secondsite.core.vault;

import com.fasterxml.jackson.databind.JsonNode;
import dev.secondsite.core.job.JobEvent;
import dev.secondsite.core.spi.CommandOutput;
import dev.secondsite.core.spi.CommandResult;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How long the journal codec takes for the events of a 10,000-VM failover: 100,000 events, half CommandSent and
 * half CommandCompleted (every fifth with a replication status), encoded and then decoded. The baseline is Jackson
 * alone on the same bytes (parse to a tree, write the tree back), so the ratio shows what the strict mapping to
 * and from the records costs on top of JSON itself. Not a test; run it as a main (see COMMON.md).
 */
public final class JournalCodecBenchmark {
    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = new com.fasterxml.jackson.databind.ObjectMapper();
    private static final int EVENTS = 100_000;
    private static final int ROUNDS = 7;

    private JournalCodecBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        List<JobEvent> events = events();
        List<byte[]> encoded = new ArrayList<>(EVENTS);
        long bytes = 0;
        for (JobEvent event : events) {
            byte[] b = JournalCodec.encodeEvent(event);
            encoded.add(b);
            bytes += b.length;
        }
        long[] encode = new long[ROUNDS];
        long[] decode = new long[ROUNDS];
        long[] jackson = new long[ROUNDS];
        long sink = 0;
        for (int round = 0; round < ROUNDS; round++) {
            long t0 = System.nanoTime();
            for (JobEvent event : events) {
                sink += JournalCodec.encodeEvent(event).length;
            }
            long t1 = System.nanoTime();
            for (byte[] b : encoded) {
                sink += JournalCodec.decodeEvent(b).jobId().length();
            }
            long t2 = System.nanoTime();
            for (byte[] b : encoded) {
                JsonNode tree = MAPPER.readTree(b);
                sink += MAPPER.writeValueAsBytes(tree).length;
            }
            long t3 = System.nanoTime();
            encode[round] = t1 - t0;
            decode[round] = t2 - t1;
            jackson[round] = t3 - t2;
        }
        long enc = median(encode);
        long dec = median(decode);
        long base = median(jackson);
        System.out.printf("%,d events (%,d bytes, %.0f bytes each), median of %d rounds after the first:%n", EVENTS,
                bytes, (double) bytes / EVENTS, ROUNDS - 1);
        System.out.printf("  encode            %7.1f ms  (%.2f us/event)%n", enc / 1e6, enc / 1e3 / EVENTS);
        System.out.printf("  decode            %7.1f ms  (%.2f us/event)%n", dec / 1e6, dec / 1e3 / EVENTS);
        System.out.printf("  encode + decode   %7.1f ms%n", (enc + dec) / 1e6);
        System.out.printf("  baseline: Jackson tree parse + write of the same bytes %7.1f ms%n", base / 1e6);
        System.out.printf("  ratio (encode + decode) / baseline: %.2f%n", (double) (enc + dec) / base);
        System.out.println("  (checksum " + sink + ")");
    }

    private static long median(long[] rounds) {
        long[] measured = Arrays.copyOfRange(rounds, 1, rounds.length);
        Arrays.sort(measured);
        return measured[measured.length / 2];
    }

    private static List<JobEvent> events() {
        List<JobEvent> events = new ArrayList<>(EVENTS);
        Instant at = Instant.parse("2026-11-02T10:00:00Z");
        for (int i = 0; events.size() < EVENTS; i++) {
            String task = "failover-vm-" + i / 5;
            int step = i % 5;
            at = at.plusNanos(1_234_567);
            events.add(new JobEvent.CommandSent("job-42", at, task, step, 1));
            CommandResult result = step == 0
                    ? CommandResult.succeeded("status", new CommandOutput.ReplicationStatus("Replicating", "Normal",
                    at.minusSeconds(30)))
                    : CommandResult.succeeded("Start-VMFailover completed");
            events.add(new JobEvent.CommandCompleted("job-42", at.plusMillis(250), task, step, 1, result));
        }
        return events;
    }
}
