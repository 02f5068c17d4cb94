# stdin: {"ArgumentList":["Certificate",8084],"ComputerName":"hv11.fabrikam.com","UseSSL":false}
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$in = [Console]::In.ReadToEnd() | ConvertFrom-Json
$command = {
    param([string]$AuthenticationType, [int]$Port)
    $server = Get-VMReplicationServer -ErrorAction Stop
    $allowed = $AuthenticationType
    if ($server.ReplicationEnabled -and $server.AllowedAuthenticationType.ToString() -ne $AuthenticationType) { $allowed = 'CertificateAndKerberos' }
    $set = @{ ReplicationEnabled = $true; AllowedAuthenticationType = $allowed; ReplicationAllowedFromAnyServer = $true }
    if ($AuthenticationType -eq 'Kerberos') {
        $current = $server.KerberosAuthenticationPort
        $set.KerberosAuthenticationPort = $Port
    } else {
        $current = $server.CertificateAuthenticationPort
        $set.CertificateAuthenticationPort = $Port
        if ($server.CertificateThumbprint) { $set.CertificateThumbprint = $server.CertificateThumbprint }
    }
    if ($server.DefaultStorageLocation) { $set.DefaultStorageLocation = $server.DefaultStorageLocation }
    $changed = $false
    if (-not ($server.ReplicationEnabled -and $allowed -eq $server.AllowedAuthenticationType.ToString() -and $current -eq $Port)) {
        Set-VMReplicationServer @set -Confirm:$false -ErrorAction Stop
        $changed = $true
        $server = Get-VMReplicationServer -ErrorAction Stop
    }
    [pscustomobject]@{ Changed = $changed; ReplicationEnabled = $server.ReplicationEnabled; AllowedAuthenticationType = $server.AllowedAuthenticationType.ToString(); KerberosAuthenticationPort = $server.KerberosAuthenticationPort; CertificateAuthenticationPort = $server.CertificateAuthenticationPort }
}
try {
    $argumentList = @($in.ArgumentList)
    if ($in.ComputerName) {
        $remote = @{ ComputerName = $in.ComputerName; ScriptBlock = $command; ArgumentList = $argumentList }
        if ($in.UseSSL) { $remote.UseSSL = $true; $remote.Port = 5986 }
        if ($in.Credential) {
            $secret = ConvertTo-SecureString -String $in.Credential.Password -AsPlainText -Force
            $remote.Credential = New-Object -TypeName System.Management.Automation.PSCredential -ArgumentList $in.Credential.UserName, $secret
        }
        $result = @(Invoke-Command @remote)
    } else {
        $result = @(& $command @argumentList)
    }
    [pscustomobject]@{ ok = $true; result = $result } | ConvertTo-Json -Depth 6 -Compress
} catch {
    [pscustomobject]@{ ok = $false; message = $_.Exception.Message; category = $_.CategoryInfo.Category.ToString(); errorId = $_.FullyQualifiedErrorId } | ConvertTo-Json -Compress
    exit 1
}
