package dev.secondsite.hyperv.sim.model;

import dev.secondsite.hyperv.sim.lang.CmdletException.ErrorCategory;

/**
 * The failures the fabric can inject on a computer, each as the real system reports it. {@link #atSessionOpen()}
 * faults refuse {@code Invoke-Command} to the computer (WinRM); the others fail the next cmdlet that runs there.
 *
 * <p>Thread-safe (an enum).
 */
public enum FaultKind {
    /** WinRM cannot reach the computer: transient, category OpenError. */
    WINRM_UNREACHABLE(true, true, ErrorCategory.OpenError, "CannotConnect,PSSessionStateBroken"),
    /** WinRM refuses the credential: permanent, category OpenError. */
    ACCESS_DENIED(true, false, ErrorCategory.OpenError, "AccessDenied,PSSessionStateBroken"),
    /** The VM is locked by another operation: transient, category ResourceBusy. */
    VM_LOCKED(false, true, ErrorCategory.ResourceBusy, "ResourceBusy,Microsoft.HyperV.PowerShell.Commands"),
    /** The Virtual Machine Management service fails the operation: permanent, category InvalidOperation. */
    HOST_ERROR(false, false, ErrorCategory.InvalidOperation, "OperationFailed,Microsoft.HyperV.PowerShell.Commands");

    private final boolean atSessionOpen;
    private final boolean transientFault;
    private final ErrorCategory category;
    private final String errorId;

    FaultKind(boolean atSessionOpen, boolean transientFault, ErrorCategory category, String errorId) {
        this.atSessionOpen = atSessionOpen;
        this.transientFault = transientFault;
        this.category = category;
        this.errorId = errorId;
    }

    /** True when the fault refuses the WinRM session rather than a cmdlet. */
    public boolean atSessionOpen() {
        return atSessionOpen;
    }

    /** True when a retry may succeed (the driver should classify it as transient). */
    public boolean isTransient() {
        return transientFault;
    }

    public ErrorCategory category() {
        return category;
    }

    String errorId() {
        return errorId;
    }
}
