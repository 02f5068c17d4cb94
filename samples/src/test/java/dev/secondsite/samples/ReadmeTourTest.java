package dev.secondsite.samples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The README's API tour is taken from the compiled samples: each of its code lines is in samples' sources. */
class ReadmeTourTest {
    @Test
    @DisplayName("every code line of the README's API tour (its trailing // comment aside) is a line of the samples")
    void tourLinesExistInTheSamples() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        int start = readme.indexOf("\n## API tour");
        assertTrue(start >= 0, "the README has an API tour");
        int end = java.util.stream.IntStream.of(readme.indexOf("\n## ", start + 1), readme.indexOf("\n### ", start))
                .filter(i -> i >= 0).min().orElse(-1);
        String tour = readme.substring(start, end < 0 ? readme.length() : end);
        List<String> code = new ArrayList<>();
        boolean inJava = false;
        for (String line : tour.split("\n")) {
            if (line.startsWith("```")) {
                inJava = line.equals("```java");
                continue;
            }
            String stripped = line.replaceAll("\\s+//\\s.*$", "").strip();
            if (inJava && !stripped.isEmpty() && !stripped.startsWith("//")) {
                code.add(stripped);
            }
        }
        assertTrue(code.size() >= 20, "the tour shows code: " + code);
        List<String> sources = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src", "main", "java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Files.readAllLines(f).forEach(l -> sources.add(l.strip()));
            }
        }
        List<String> missing = code.stream().filter(c -> !sources.contains(c)).toList();
        assertTrue(missing.isEmpty(), "README tour lines not in samples/src/main/java: " + missing);
    }
}
