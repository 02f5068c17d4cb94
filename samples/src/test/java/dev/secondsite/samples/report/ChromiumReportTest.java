package dev.secondsite.samples.report;

import static dev.secondsite.samples.report.History.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.secondsite.core.job.JobKind;
import dev.secondsite.core.job.JobState;
import dev.secondsite.core.job.Phase;
import dev.secondsite.core.spi.CommandResult;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens a report in Debian's headless Chromium and checks the screenshot and the network. Skipped (an assumption)
 * only when no {@code chromium} is installed; {@code .ci/run} installs it.
 *
 * <p>How "no external resource" is checked: Chromium runs with {@code --proxy-server} pointing at a local trap socket
 * (loopback included, {@code --proxy-bypass-list=<-loopback>}), so every http or https request it makes arrives
 * there (https as {@code CONNECT host:443}). After rendering the report, no request may name a host other than
 * Chromium's own services (time, update, sign-in: they are called for any page, even an empty one). A control page
 * with an {@code http://} and an {@code https://} image is rendered the same way and must show up in the trap, so the
 * check cannot pass because the trap saw nothing.
 */
class ChromiumReportTest {
    private static final Instant T0 = Instant.parse("2025-05-01T10:00:00Z");
    /** What Chromium calls on its own for any page, flags notwithstanding; exact host names. */
    private static final Set<String> CHROMIUM_SERVICES = Set.of("accounts.google.com", "clients2.google.com",
            "update.googleapis.com", "clients1.google.com", "content-autofill.googleapis.com",
            "optimizationguide-pa.googleapis.com", "safebrowsingohttpgateway.googleapis.com",
            "redirector.gvt1.com", "edgedl.me.gvt1.com", "www.googleapis.com");
    /** The bar colours of the report's style sheet (.ok, .re, .fa, .sk, .wa, .po). */
    private static final Map<String, Integer> BAR_COLOURS = new LinkedHashMap<>();

    static {
        BAR_COLOURS.put("succeeded", 0x2e7d32);
        BAR_COLOURS.put("retried", 0xf57c00);
        BAR_COLOURS.put("failed", 0xc62828);
        BAR_COLOURS.put("skipped", 0x9e9e9e);
        BAR_COLOURS.put("manual wait", 0x7b1fa2);
        BAR_COLOURS.put("replication wait", 0x0288d1);
    }

    /** One job whose rows show every bar colour, each wide enough to dwarf its 120-pixel legend swatch. */
    private static JobRecorder history() {
        JobRecorder recorder = new JobRecorder();
        History h = new History(recorder);
        h.create("j", T0, JobKind.UNPLANNED_FAILOVER, "plan Web tier", List.of(
                new Phase("Enable", List.of(History.replicationTask("vm-0", "web00"))),
                new Phase("Failover", List.of(History.failoverTask("vm-1", "web01"),
                        History.failoverTask("vm-2", "<b>web02</b>"), History.failoverTask("vm-3", "web03"))),
                new Phase("After failover", List.of(History.manualTask("action/0", "Check the database",
                        "Confirm the database is mounted"))),
                new Phase("Group 1", List.of(History.bootTask("vm-1", "web01", 1)))));
        h.start("j", T0);
        h.taskStarted("j", "protect/vm-0", T0);
        h.attempt("j", "protect/vm-0", 0, 1, T0, Duration.ofMillis(200), CommandResult.succeeded("started"));
        h.polling("j", "protect/vm-0", 1, at(T0, 200), "replication of web00 is Replicating");
        h.attempt("j", "protect/vm-0", 1, 1, at(T0, 2000), Duration.ofMillis(50), CommandResult.succeeded("ok"));
        h.succeeded("j", "protect/vm-0", at(T0, 3000));
        h.taskStarted("j", "failover/vm-1", at(T0, 3000));
        h.attempt("j", "failover/vm-1", 0, 1, at(T0, 3000), Duration.ofMillis(1500),
                CommandResult.transientFailure("host busy"));
        h.attempt("j", "failover/vm-1", 0, 2, at(T0, 4600), Duration.ofMillis(1500),
                CommandResult.succeeded("Failed over"));
        h.succeeded("j", "failover/vm-1", at(T0, 6100));
        h.taskStarted("j", "failover/vm-2", at(T0, 3000));
        h.attempt("j", "failover/vm-2", 0, 1, at(T0, 3000), Duration.ofMillis(2500),
                CommandResult.permanentFailure("The VM is not replicated"));
        h.failed("j", "failover/vm-2", at(T0, 5500), "The VM is not replicated");
        h.taskStarted("j", "failover/vm-3", at(T0, 3000));
        h.skipped("j", "failover/vm-3", at(T0, 3000), "already failed over");
        h.taskStarted("j", "action/0", at(T0, 6100));
        h.waiting("j", "action/0", at(T0, 6100), "Confirm the database is mounted");
        h.resumed("j", "action/0", 0, at(T0, 9000), "ok");
        h.succeeded("j", "action/0", at(T0, 9000));
        h.taskStarted("j", "boot/vm-1", at(T0, 9000));
        h.attempt("j", "boot/vm-1", 0, 1, at(T0, 9000), Duration.ofMillis(2000), CommandResult.succeeded("Running"));
        h.succeeded("j", "boot/vm-1", at(T0, 11000));
        h.finished("j", at(T0, 11000), JobState.SUCCEEDED, "done");
        return recorder;
    }

    @Test
    @DisplayName("the report renders in headless Chromium: a non-blank screenshot with every bar colour, and no network request")
    void rendersInChromium(@TempDir Path dir) throws Exception {
        Optional<Chromium> found = Chromium.find();
        assumeTrue(found.isPresent(), "chromium is not installed (.ci/run installs it)");
        try (Chromium chromium = found.get()) {
            Path page = dir.resolve("report.html");
            HtmlReport.builder("Chromium check").jobs(history().timelines()).configurationJson("{}")
                    .generatedAt(T0).build().write(page);
            Path png = dir.resolve("report.png");
            chromium.screenshot(page, png, 1280, 900, dir);

            List<String> foreign = chromium.requests().stream()
                    .filter(r -> !CHROMIUM_SERVICES.contains(Chromium.host(r))).toList();
            assertEquals(List.of(), foreign, "requests the report made");

            BufferedImage image = ImageIO.read(png.toFile());
            assertNotNull(image, "a PNG");
            assertEquals(1280, image.getWidth());
            assertEquals(900, image.getHeight());
            Map<Integer, Integer> histogram = histogram(image);
            assertTrue(histogram.size() >= 20, "distinct colours: " + histogram.size());
            int background = histogram.getOrDefault(0xffffff, 0);
            assertTrue(background < image.getWidth() * image.getHeight() * 0.97, "not blank: white " + background);
            for (Map.Entry<String, Integer> colour : BAR_COLOURS.entrySet()) {
                int pixels = pixelsNear(histogram, colour.getValue());
                // a legend swatch is 12 x 10 pixels; a bar of the chart is more (a skipped task's mark is 8 wide)
                int atLeast = colour.getKey().equals("skipped") ? 150 : 400;
                assertTrue(pixels > atLeast, colour.getKey() + " bar pixels: " + pixels);
            }

            // the control: a page that does load from the network is caught by the same trap
            Path control = dir.resolve("control.html");
            Files.writeString(control, "<!DOCTYPE html><p>control</p><img src=\"http://example.invalid/a.png\">"
                    + "<img src=\"https://cdn.example.com/b.png\">");
            chromium.screenshot(control, dir.resolve("control.png"), 400, 300, dir);
            Set<String> hosts = new HashSet<>();
            chromium.requests().forEach(r -> hosts.add(Chromium.host(r)));
            assertTrue(hosts.contains("example.invalid") && hosts.contains("cdn.example.com"),
                    "the trap sees a page's requests: " + chromium.requests());
        }
    }

    private static Map<Integer, Integer> histogram(BufferedImage image) {
        Map<Integer, Integer> counts = new java.util.HashMap<>();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                counts.merge(image.getRGB(x, y) & 0xffffff, 1, Integer::sum);
            }
        }
        return counts;
    }

    /** Pixels within 3 per channel of {@code rgb} (colour conversion may shift a channel by a step or two). */
    private static int pixelsNear(Map<Integer, Integer> histogram, int rgb) {
        int total = 0;
        for (Map.Entry<Integer, Integer> e : histogram.entrySet()) {
            int c = e.getKey();
            if (Math.abs((c >> 16 & 0xff) - (rgb >> 16 & 0xff)) <= 3 && Math.abs((c >> 8 & 0xff) - (rgb >> 8 & 0xff))
                    <= 3 && Math.abs((c & 0xff) - (rgb & 0xff)) <= 3) {
                total += e.getValue();
            }
        }
        return total;
    }
}
