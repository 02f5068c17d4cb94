package dev.secondsite.hyperv.sim.lang;

import static java.util.Objects.requireNonNull;

/**
 * An error a cmdlet reports, shaped like PowerShell's ErrorRecord: the message the real cmdlet writes, its
 * category ({@code $_.CategoryInfo.Category}) and its fully qualified error id ({@code $_.FullyQualifiedErrorId}).
 * Scripts see it through {@code try/catch} and {@code $_}; unhandled under {@code -ErrorAction Stop} it ends the
 * script and the process writes it to standard error and exits 1.
 *
 * <p>Immutable and thread-safe.
 */
public final class CmdletException extends Exception {
    private static final long serialVersionUID = 1L;

    private final ErrorCategory category;
    private final String errorId;

    /**
     * @param category the error's category
     * @param errorId the fully qualified error id, e.g. {@code "InvalidParameter,Microsoft.HyperV.PowerShell.Commands.EnableVMReplication"}
     * @param message the message the real cmdlet writes
     */
    public CmdletException(ErrorCategory category, String errorId, String message) {
        super(message);
        this.category = requireNonNull(category, "category");
        this.errorId = requireNonNull(errorId, "errorId");
    }

    public ErrorCategory category() {
        return category;
    }

    public String errorId() {
        return errorId;
    }

    /** PowerShell's {@code System.Management.Automation.ErrorCategory} values the simulation uses. */
    public enum ErrorCategory {
        NotSpecified,
        OpenError,
        CloseError,
        DeviceError,
        DeadlockDetected,
        InvalidArgument,
        InvalidData,
        InvalidOperation,
        InvalidResult,
        InvalidType,
        MetadataError,
        NotImplemented,
        NotInstalled,
        ObjectNotFound,
        OperationStopped,
        OperationTimeout,
        SyntaxError,
        ParserError,
        PermissionDenied,
        ResourceBusy,
        ResourceExists,
        ResourceUnavailable,
        ReadError,
        WriteError,
        FromStdErr,
        SecurityError,
        ProtocolError,
        ConnectionError,
        AuthenticationError,
        LimitsExceeded,
        QuotaExceeded,
        NotEnabled
    }
}
