package dev.secondsite.core.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place core looks up plug-ins with {@link ServiceLoader}, used only when nothing was wired explicitly.
 * A provider that fails to load is reported and skipped, not fatal; when several match, the one whose class name
 * sorts first is taken and the choice is logged with the full list, so the pick never depends on class path order.
 */
public final class ServiceDiscovery {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceDiscovery.class);

    private ServiceDiscovery() {
    }

    /** Every loadable provider of {@code type} that {@code matches} accepts, sorted by class name. */
    public static <T> List<T> all(Class<T> type, Predicate<? super T> matches) {
        List<T> found = new ArrayList<>();
        Iterator<T> it = ServiceLoader.load(type, classLoader()).iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                T candidate = it.next();
                if (matches.test(candidate)) {
                    found.add(candidate);
                }
            } catch (ServiceConfigurationError e) {
                LOG.warn("A {} provider could not be loaded and is skipped: {}", type.getSimpleName(), e.getMessage());
            }
        }
        found.sort(Comparator.comparing(p -> p.getClass().getName()));
        return found;
    }

    /** The first of {@link #all} by class name; logs a warning naming every candidate when there are several. */
    public static <T> Optional<T> first(Class<T> type, Predicate<? super T> matches, String what) {
        List<T> found = all(type, matches);
        if (found.size() > 1) {
            LOG.warn("Several {} providers for {} found: {}; using {}", type.getSimpleName(), what,
                    found.stream().map(p -> p.getClass().getName()).toList(), found.get(0).getClass().getName());
        }
        return found.stream().findFirst();
    }

    private static ClassLoader classLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : ServiceDiscovery.class.getClassLoader();
    }
}
