package dev.secondsite.core.store;

import dev.secondsite.core.spi.StateStoreLockedException;
import java.nio.file.Path;

/**
 * Run in a child JVM by {@link StoreLockTest}: tries to open the store given as its argument and says how it went
 * by its exit code. Not a test itself.
 */
public final class LockProbe {
    static final int OPENED = 0;
    static final int LOCKED = 3;
    static final int OTHER_FAILURE = 4;

    private LockProbe() {
    }

    public static void main(String[] args) {
        int code;
        try {
            JournalStore.open(Path.of(args[0])).close();
            code = OPENED;
        } catch (StateStoreLockedException e) {
            System.out.println(e.getMessage());
            code = LOCKED;
        } catch (RuntimeException e) {
            e.printStackTrace(System.out);
            code = OTHER_FAILURE;
        }
        System.exit(code);
    }
}
