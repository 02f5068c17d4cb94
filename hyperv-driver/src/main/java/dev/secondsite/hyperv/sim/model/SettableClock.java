package dev.secondsite.hyperv.sim.model;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock tests move by hand: the simulated fabric takes its recovery points, initial replications and schedules
 * from it, so advancing it by an hour makes the next read see the hour's recovery point.
 *
 * <p>Thread-safe: the instant is read and written atomically.
 */
public final class SettableClock extends Clock {
    private volatile Instant now;
    private final ZoneId zone;

    /** A clock at {@code start} in UTC. */
    public SettableClock(Instant start) {
        this(start, ZoneOffset.UTC);
    }

    private SettableClock(Instant start, ZoneId zone) {
        this.now = requireNonNull(start, "start");
        this.zone = requireNonNull(zone, "zone");
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId newZone) {
        return new SettableClock(now, newZone);
    }

    @Override
    public Instant instant() {
        return now;
    }

    /** Sets the clock to {@code instant} (earlier instants are allowed: tests of refusals may need them). */
    public void set(Instant instant) {
        this.now = requireNonNull(instant, "instant");
    }

    /**
     * Moves the clock forward by {@code duration}.
     *
     * @throws IllegalArgumentException when {@code duration} is negative
     */
    public synchronized void advance(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("duration (" + duration + ") must not be negative");
        }
        this.now = now.plus(duration);
    }
}
