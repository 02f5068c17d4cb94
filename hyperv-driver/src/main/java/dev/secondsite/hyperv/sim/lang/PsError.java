package dev.secondsite.hyperv.sim.lang;

/**
 * A terminating error travelling up the interpreter's stack to the nearest {@code try} (or out of the script).
 * Statement-terminating errors (parameter binding, runtime errors) end only the statement unless
 * {@code $ErrorActionPreference} is Stop or a {@code try} encloses them; script-terminating ones ({@code throw},
 * {@code -ErrorAction Stop}) end the script.
 */
final class PsError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient ErrorRecord record;
    private final boolean scriptTerminating;

    PsError(ErrorRecord record, boolean scriptTerminating) {
        super(record.message(), null, false, false);
        this.record = record;
        this.scriptTerminating = scriptTerminating;
    }

    ErrorRecord record() {
        return record;
    }

    boolean scriptTerminating() {
        return scriptTerminating;
    }

    /** Control flow for {@code exit}, {@code return}; no stack traces, as they are not errors. */
    static final class Exit extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int code;

        Exit(int code) {
            super(null, null, false, false);
            this.code = code;
        }
    }

    /** The process ran past its invocation's timeout and is killed (see {@link ScriptFiles.ScriptFile#runTime}). */
    static final class Killed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Killed() {
            super(null, null, false, false);
        }
    }

    static final class Return extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Return() {
            super(null, null, false, false);
        }
    }
}
