package dev.secondsite.core.durable;

import dev.secondsite.core.spi.CommandRequest;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.HostDriver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A host driver whose every side effect is a line in a ledger file, written and forced before the command answers:
 * a host that remembers what it did across crashes of the process that drives it. It is idempotent the way the
 * engine's contract asks (J3): a key already in the ledger returns its first result and adds nothing, so a command
 * re-sent after a crash happens once. The kill test reads the ledger to prove every side effect happened exactly
 * once. Thread-safe.
 */
public final class LedgerDriver implements HostDriver {
    /** One ledger line: the key and what it did. */
    public record Entry(String key, String serverId, String host, String command, String vmId) {
        static Entry parse(String line) {
            String[] f = line.split("\t", -1);
            return new Entry(f[0], f[1], f[2], f[3], f[4]);
        }

        String line() {
            return key + "\t" + serverId + "\t" + host + "\t" + command + "\t" + vmId + "\n";
        }
    }

    private final FileChannel ledger;
    private final Map<String, Entry> done = new HashMap<>();
    private final Consumer<Entry> afterEffect;

    /**
     * @param file the ledger; created when missing, read back when present
     * @param afterEffect called after each new side effect was made durable (the kill test's child prints it)
     */
    public LedgerDriver(Path file, Consumer<Entry> afterEffect) throws IOException {
        this.afterEffect = afterEffect;
        for (Entry e : read(file)) {
            done.put(e.key(), e);
        }
        this.ledger = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
    }

    /** The side effects each VM of the kill tests' runs takes exactly once: enabled, then failed over as planned. */
    public static final Map<String, Long> ENABLE_AND_FAILOVER_ONCE = Map.of("EnableReplication", 1L,
            "StartInitialReplication", 1L, "StopVm", 1L, "PrepareFailover", 1L, "Failover", 1L,
            "ConnectNetworkAdapter", 1L, "StartVm", 1L);

    /** Per VM (entries without one left out), how many times each command took effect. */
    public static Map<String, Map<String, Long>> perVm(List<Entry> ledger) {
        return ledger.stream().filter(e -> !e.vmId().equals("-")).collect(Collectors.groupingBy(Entry::vmId,
                Collectors.groupingBy(Entry::command, Collectors.counting())));
    }

    /** Every entry of a ledger file, in order; a torn last line (a crash mid-write) is left out. */
    public static List<Entry> read(Path file) throws IOException {
        List<Entry> entries = new ArrayList<>();
        if (!Files.exists(file)) {
            return entries;
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int end = text.lastIndexOf('\n');
        if (end < 0) {
            return entries;
        }
        for (String line : text.substring(0, end).split("\n")) {
            if (!line.isEmpty()) {
                entries.add(Entry.parse(line));
            }
        }
        return entries;
    }

    @Override
    public CommandResult execute(CommandRequest request) {
        Entry entry;
        synchronized (this) {
            Entry first = done.get(request.idempotencyKey());
            if (first != null) {
                return answer(request, "already done: " + first.command());
            }
            String vm = request.command().vmId();
            entry = new Entry(request.idempotencyKey(), request.serverId(), request.host(),
                    request.command().getClass().getSimpleName(), vm == null ? "-" : vm);
            try {
                ledger.write(ByteBuffer.wrap(entry.line().getBytes(StandardCharsets.UTF_8)));
                ledger.force(false);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            done.put(entry.key(), entry);
        }
        afterEffect.accept(entry);
        return answer(request, "done: " + entry.command());
    }

    /** A status read finds the VM replicating (its initial copy complete: enable protection waits for that, E1). */
    private static CommandResult answer(CommandRequest request, String message) {
        if (request.command() instanceof dev.secondsite.core.spi.HostCommand.GetReplicationStatus) {
            return CommandResult.succeeded(message, new dev.secondsite.core.spi.CommandOutput.ReplicationStatus(
                    "Replicating", "Normal", java.time.Instant.now()));
        }
        return CommandResult.succeeded(message);
    }
}
