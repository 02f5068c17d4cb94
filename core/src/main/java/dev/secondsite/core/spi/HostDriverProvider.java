package dev.secondsite.core.spi;

import java.util.Map;

/**
 * Makes {@link HostDriver}s of one kind, found with ServiceLoader by {@link #name()} when a provider was not given a
 * driver explicitly. Construction must be cheap; the work happens in {@link #create(Map)}.
 *
 * <p>Implementations must be thread-safe.
 */
public interface HostDriverProvider {
    /** The driver's name, e.g. {@code "hyperv"} or {@code "simulated"}. */
    String name();

    /**
     * @param settings driver-specific settings (host names, credentials reference, ...); never logged
     * @throws dev.secondsite.core.InvalidConfigurationException when a setting is missing or wrong
     */
    HostDriver create(Map<String, String> settings);
}
