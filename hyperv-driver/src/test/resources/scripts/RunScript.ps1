# stdin: {"Path":"\\\\vmm01\\MSSCVMMLibrary\\Scripts\\update-dns.ps1"}
$ProgressPreference = 'SilentlyContinue'
$in = [Console]::In.ReadToEnd() | ConvertFrom-Json
& $in.Path
exit $LASTEXITCODE
