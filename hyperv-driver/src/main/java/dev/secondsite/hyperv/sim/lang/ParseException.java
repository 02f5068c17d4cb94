package dev.secondsite.hyperv.sim.lang;

/**
 * A script the simulator refuses to parse: outside the language subset or malformed, with PowerShell's message and
 * error id, and where (offsets into the script).
 */
final class ParseException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String errorId;
    private final int start;
    private final int end;

    ParseException(String errorId, String message, int start, int end) {
        super(message, null, false, false);
        this.errorId = errorId;
        this.start = start;
        this.end = Math.max(end, start);
    }

    String errorId() {
        return errorId;
    }

    int start() {
        return start;
    }

    int end() {
        return end;
    }
}
