package dev.secondsite.hyperv.sim.lang;

import javax.annotation.Nullable;

/**
 * What {@code Invoke-Command -ComputerName} reaches: the simulated fabric decides whether a computer answers over
 * WinRM (it exists, is not partitioned, accepts the credential) before the interpreter runs the script block there.
 *
 * <p>Implementations must be thread-safe.
 */
public interface RemoteSessions {
    /**
     * Opens a session to {@code computerName}, or refuses it as WinRM would.
     *
     * @param credential the {@code PSCredential} given with {@code -Credential} (a {@link PsObject} with UserName and
     *     Password), or null for the caller's identity
     * @param useSsl whether {@code -UseSSL} was given (WinRM over HTTPS, 5986)
     * @param port the WinRM port: {@code -Port}, else 5985, or 5986 with {@code -UseSSL}
     * @throws CmdletException an OpenError like the one PowerShell reports ("Connecting to remote server X failed
     *     ..."), category {@code OpenError}, error id {@code "PSSessionStateBroken"} or similar
     */
    void open(String computerName, @Nullable PsObject credential, boolean useSsl, int port) throws CmdletException;
}
