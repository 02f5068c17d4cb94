package dev.secondsite.core.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.MDC;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * An SLF4J provider for tests that keeps every log event (level, logger, formatted message, MDC) in memory, so a
 * test can assert what was logged: that a secret never was, that the job id is in the MDC. Registered through
 * META-INF/services in core's test resources (and shipped in core's test-jar).
 *
 * <p>Thread-safe.
 */
public final class CapturingLogs implements SLF4JServiceProvider {
    /** One captured event. */
    public record Event(Level level, String logger, String message, Map<String, String> mdc) {
        @Override
        public String toString() {
            return level + " " + logger + " " + message + " " + mdc;
        }
    }

    private static final List<Event> EVENTS = new CopyOnWriteArrayList<>();

    private final BasicMarkerFactory markers = new BasicMarkerFactory();
    private final BasicMDCAdapter mdc = new BasicMDCAdapter();
    private final Map<String, Logger> loggers = new ConcurrentHashMap<>();
    private final ILoggerFactory factory = name -> loggers.computeIfAbsent(name, CapturingLogger::new);

    /** Every event captured since the last {@link #clear()}, in order. */
    public static List<Event> events() {
        return new ArrayList<>(EVENTS);
    }

    public static void clear() {
        EVENTS.clear();
    }

    /** Every captured message and MDC value joined as one text, to search for a secret. */
    public static String allText() {
        StringBuilder sb = new StringBuilder();
        for (Event e : EVENTS) {
            sb.append(e.message()).append(' ').append(e.mdc()).append('\n');
        }
        return sb.toString();
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return factory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
    }

    private static final class CapturingLogger extends LegacyAbstractLogger {
        private static final long serialVersionUID = 1L;

        CapturingLogger(String name) {
            this.name = name;
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String messagePattern,
                                                   Object[] arguments, Throwable throwable) {
            String message = MessageFormatter.basicArrayFormat(messagePattern, arguments);
            if (throwable != null) {
                message = message + " " + throwable;
            }
            Map<String, String> context = MDC.getCopyOfContextMap();
            EVENTS.add(new Event(level, name, message, context == null ? Map.of() : Map.copyOf(context)));
        }

        @Override
        public boolean isTraceEnabled() {
            return true;
        }

        @Override
        public boolean isDebugEnabled() {
            return true;
        }

        @Override
        public boolean isInfoEnabled() {
            return true;
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }
    }
}
