<#
.SYNOPSIS
The enforcement suite of paddock's unelevated mode, for a real Windows
machine (Wine enforces neither ACLs nor restricted tokens; see smoke.bats).

.DESCRIPTION
Each test runs paddock.exe on a scratch workspace and checks the file
system afterwards, both ways: what the policy allows succeeds, what it
forbids fails and leaves nothing behind. Run it as an ordinary user, from
the top of a clone, after building paddock.exe (make windows on Linux, or
the workflow .github/workflows/windows.yml):

  powershell -NoProfile -ExecutionPolicy Bypass -File tests\windows\enforce.ps1 -Paddock build-windows\paddock.exe

It prints PASS, FAIL or INFO per check and exits 1 if any check failed.
The scratch directory lies in the user's profile, not under %TEMP%, which
is a writable root by default; it is removed at the end.

With -Elevated (after 'paddock setup'), the elevated mode's checks run
too: commands run as the sandbox users through paddock-runner.exe, the
network is blocked for the offline user and reachable for the online one,
writes obey the policy as in the unelevated mode, the runner's pipes
admit nobody but the runner, a runner copied to a directory made after
setup is granted to the sandbox group at run time, one the sandbox user
is denied fails with its own message, and Ctrl-C ends a run whose
command leaves 8 MB of stdin unread (130, no process left).

The unelevated network checks are INFO, not FAIL: in that mode the network
block is advisory. With the network off, curl is expected to fail (it
honours the proxy variables, which point at a closed port); a program that
opens its own socket (the TcpClient check) is expected to reach the
network. The elevated mode (issue 5) is what will block it.

With -Setup, from an elevated session, it also runs paddock setup and
checks every change it claims (users, group, membership by SID, hidden
users, firewall rules read back through NetSecurity, secrets denied to the
sandbox group, no entry on ~/.ssh, the background read grants), that the
marker stops being trusted once a firewall rule is deleted, the WFP
filters (as the offline user, a loopback listener outside the proxy's
port range is refused and one inside it is reached; the online user
reaches both), and that paddock uninstall leaves no user, profile, rule,
WFP filter or sublayer, registry value, ACL entry or file behind.
#>
param(
	[Parameter(Mandatory = $true)][string]$Paddock,
	# Also run paddock setup and uninstall (issue 5): needs an elevated
	# session (the workflow's runner is), and changes the machine.
	[switch]$Setup,
	# The elevated mode's checks (the runner, the firewall rule), on a
	# machine where 'paddock setup' has run.
	[switch]$Elevated
)

$ErrorActionPreference = 'Stop'
$Paddock = (Resolve-Path $Paddock).Path
$script:failed = 0
$script:passed = 0

function Say([string]$kind, [string]$what) {
	Write-Host ("{0,-5} {1}" -f $kind, $what)
}

function Check([string]$what, [bool]$ok) {
	if ($ok) { $script:passed++; Say 'PASS' $what }
	else { $script:failed++; Say 'FAIL' $what }
}

# Run paddock with the given arguments; returns its exit code. Output is
# shown, indented, so that a failure can be read in the log.
function Pd {
	# Windows PowerShell turns a native program's stderr lines into
	# error records; 'Stop' would make the first one fatal.
	$ErrorActionPreference = 'Continue'
	$out = & $Paddock @args 2>&1
	$code = $LASTEXITCODE
	foreach ($line in $out) { Write-Host "      | $line" }
	return $code
}

# git, with its progress on stderr kept from stopping the script.
function Git {
	$ErrorActionPreference = 'Continue'
	& git @args 2>&1 | ForEach-Object { Write-Host "      | $_" }
}

$base = Join-Path $env:USERPROFILE ("paddock-enforce-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
$ws = Join-Path $base 'ws'
$outside = Join-Path $base 'outside'
$env:PADDOCK_HOME = Join-Path $base 'home'
New-Item -ItemType Directory -Path $ws, $outside | Out-Null
New-Item -ItemType Directory -Path (Join-Path $ws '.git') | Out-Null
Set-Content -Path (Join-Path $ws '.git\config') -Value 'original'
Set-Content -Path (Join-Path $outside 'keep.txt') -Value 'keep'
Set-Content -Path (Join-Path $ws 'mine.txt') -Value 'mine'
Say 'INFO' "scratch directory: $base"

try {
	$check = & $Paddock check 2>&1 | Out-String
	Write-Host $check
	Check 'paddock check says the network block is advisory' ($check -match 'ADVISORY')
	Check 'paddock check names the unelevated mode' ($check -match 'unelevated mode')

	# --- writes inside and outside -------------------------------------
	$code = Pd run -C $ws -- cmd /c "echo inside> inside.txt"
	Check 'a write inside the workspace succeeds' (($code -eq 0) -and (Test-Path (Join-Path $ws 'inside.txt')))

	$code = Pd run -C $ws -- cmd /c "echo x> `"$outside\escaped.txt`""
	Check 'a write outside the workspace fails' (($code -ne 0) -and -not (Test-Path (Join-Path $outside 'escaped.txt')))

	$code = Pd run -C $ws -- powershell -NoProfile -Command "Set-Content -Path ps.txt -Value hi"
	Check 'PowerShell starts and writes inside the workspace' (($code -eq 0) -and (Test-Path (Join-Path $ws 'ps.txt')))

	$code = Pd run -C $ws -s read-only -- cmd /c "echo x> ro.txt"
	Check 'read-only mode: a write inside the workspace fails' (($code -ne 0) -and -not (Test-Path (Join-Path $ws 'ro.txt')))

	# --- protected names ------------------------------------------------
	$code = Pd run -C $ws -- cmd /c "echo evil> .git\config"
	Check '.git\config cannot be overwritten' ((Get-Content (Join-Path $ws '.git\config')) -eq 'original')

	$code = Pd run -C $ws -- cmd /c "mkdir .GiT\hooks"
	Check 'a case variant (.GiT) is protected too' (-not (Test-Path (Join-Path $ws '.git\hooks')))

	$code = Pd run -C $ws -- cmd /c "echo evil> .git:stream"
	$listing = cmd /c dir /r "$ws" | Out-String
	Check 'an alternate data stream on .git cannot be written' ($listing -notmatch '\.git:stream')

	$code = Pd run -C $ws -- cmd /c "echo evil> .git\config::`$DATA"
	Check 'config::$DATA cannot be written' ((Get-Content (Join-Path $ws '.git\config')) -eq 'original')

	$code = Pd run -C $ws -- cmd /c "ren .git git-old"
	Check '.git cannot be renamed away' ((Test-Path (Join-Path $ws '.git\config')) -and -not (Test-Path (Join-Path $ws 'git-old')))

	$code = Pd run -C $ws -- cmd /c "mkdir .agents"
	Check 'a missing protected name (.agents) cannot be created' (-not (Get-ChildItem -Force -Path $ws -Filter '.agents' | Where-Object { (Get-ChildItem -Force $_.FullName | Measure-Object).Count -gt 0 }))
	Check 'the placeholder of .agents is removed after the run' (-not (Test-Path (Join-Path $ws '.agents')))

	# --- .git pointer files: a worktree's git directories -------------------
	# 'git worktree add' leaves a .git file naming repo\.git\worktrees\wt,
	# whose commondir names repo\.git, where the hooks live. Both lie
	# outside the workspace; paddock must deny them to the sandbox.
	if (Get-Command git -ErrorAction SilentlyContinue) {
		$repo = Join-Path $base 'repo'
		$wt = Join-Path $base 'wt'
		Git init -q $repo
		Git -C $repo -c user.name=paddock -c user.email=paddock@invalid commit -q --allow-empty -m init
		Git -C $repo worktree add -q $wt
		$wtGit = Join-Path $repo '.git\worktrees\wt'
		$code = Pd run -v -C $wt -- cmd /c "echo inside> in-worktree.txt"
		Check 'a worktree is writable as a workspace' (($code -eq 0) -and (Test-Path (Join-Path $wt 'in-worktree.txt')))
		$code = Pd run -C $wt -- cmd /c "echo evil> `"$repo\.git\hooks\post-checkout`""
		Check "a worktree's common git directory: a hook cannot be written" (-not (Test-Path (Join-Path $repo '.git\hooks\post-checkout')))
		$code = Pd run -C $wt -- cmd /c "mkdir `"$wtGit\hooks`" & echo evil> `"$wtGit\hooks\post-checkout`""
		Check "a worktree's own git directory: hooks cannot be written" (-not (Test-Path (Join-Path $wtGit 'hooks\post-checkout')))
		$code = Pd run -C $wt -- cmd /c "echo evil>> `"$repo\.git\config`""
		Check "a worktree's common git directory: the config cannot be changed" (-not ((Get-Content (Join-Path $repo '.git\config')) -match 'evil'))
		Set-Content -Path (Join-Path $wt '.git') -Value 'gitdir: ../nowhere/.git/worktrees/wt'
		$code = Pd run -C $wt -- cmd /c "echo x> refused.txt"
		Check 'a .git pointer that cannot be resolved is refused (125)' (($code -eq 125) -and -not (Test-Path (Join-Path $wt 'refused.txt')))
	}
	else { Say 'INFO' 'git is not installed: the worktree checks are skipped' }

	# --- whose failure an access-denied launch is -------------------------------
	$tools = Join-Path $base 'tools'
	New-Item -ItemType Directory -Path $tools | Out-Null
	$denied = Join-Path $tools 'denied.exe'
	Copy-Item (Join-Path $env:SystemRoot 'System32\where.exe') $denied
	icacls $denied /deny "${env:USERDOMAIN}\${env:USERNAME}:(RX)" | Out-Null
	$code = Pd run -C $ws -- $denied
	Check 'a program the user cannot execute exits 126' ($code -eq 126)
	$me = [Security.Principal.WindowsPrincipal][Security.Principal.WindowsIdentity]::GetCurrent()
	if ($me.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) {
		# Only Administrators (and SYSTEM) may run it: the user may, as
		# an elevated administrator; the sandbox's LUA token may not.
		$admins = Join-Path $tools 'admins.exe'
		Copy-Item (Join-Path $env:SystemRoot 'System32\where.exe') $admins
		icacls $admins /inheritance:r /grant '*S-1-5-32-544:(RX)' /grant '*S-1-5-18:(F)' | Out-Null
		$code = Pd run -C $ws -- $admins
		Check "a program only the sandbox's token cannot execute is paddock's failure (125), not 126" ($code -eq 125)
	}
	else { Say 'INFO' 'not an elevated administrator: the 125-for-an-administrators-only-program check is skipped' }

	# --- junctions and symbolic links ---------------------------------------
	cmd /c mklink /J "$ws\junction-out" "$outside" | Out-Null
	$code = Pd run -C $ws -- cmd /c "echo x> junction-out\through.txt"
	Check 'a junction inside the workspace does not open the outside' (-not (Test-Path (Join-Path $outside 'through.txt')))

	cmd /c mklink /J "$base\ws-link" "$ws" | Out-Null
	$code = Pd run -C "$base\ws-link" -- cmd /c "echo x> via-link.txt"
	Check 'a workspace reached through a junction is writable where it lies' (($code -eq 0) -and (Test-Path (Join-Path $ws 'via-link.txt')))

	$made = $true
	try { New-Item -ItemType SymbolicLink -Path (Join-Path $ws 'symlink-out') -Target $outside -ErrorAction Stop | Out-Null }
	catch { $made = $false; Say 'INFO' 'no symbolic link created (needs Developer Mode or the privilege); check skipped' }
	if ($made) {
		$code = Pd run -C $ws -- cmd /c "echo x> symlink-out\through-symlink.txt"
		Check 'a symbolic link inside the workspace does not open the outside' (-not (Test-Path (Join-Path $outside 'through-symlink.txt')))
	}

	# --- rename and delete across the boundary -------------------------------
	$code = Pd run -C $ws -- cmd /c "move mine.txt `"$outside\`""
	Check 'a file cannot be moved out of the workspace' ((Test-Path (Join-Path $ws 'mine.txt')) -and -not (Test-Path (Join-Path $outside 'mine.txt')))

	$code = Pd run -C $ws -- cmd /c "move `"$outside\keep.txt`" ."
	Check 'a file cannot be moved in from outside' ((Test-Path (Join-Path $outside 'keep.txt')) -and -not (Test-Path (Join-Path $ws 'keep.txt')))

	$code = Pd run -C $ws -- cmd /c "del /q `"$outside\keep.txt`""
	Check 'a file outside cannot be deleted' (Test-Path (Join-Path $outside 'keep.txt'))

	# --- Everyone-writable directories ---------------------------------------
	$open = Join-Path $base 'everyone'
	New-Item -ItemType Directory -Path $open | Out-Null
	icacls $open /grant '*S-1-1-0:(OI)(CI)M' | Out-Null
	$savedPath = $env:PATH
	$env:PATH = "$open;$savedPath"
	$code = Pd run -v -C $ws -- cmd /c "echo x> `"$open\through-everyone.txt`""
	$env:PATH = $savedPath
	Check 'an Everyone-writable directory on PATH is found and denied' (-not (Test-Path (Join-Path $open 'through-everyone.txt')))

	# --- the network (advisory in this mode) ----------------------------------
	$code = Pd run -C $ws -t 20 -- cmd /c "curl -s -m 10 -o NUL https://example.com"
	Say 'INFO' "network off, curl from cmd: exit $code (expected non-zero: curl honours the proxy variables)"
	$code = Pd run -C $ws -t 20 -- powershell -NoProfile -Command "Invoke-WebRequest -UseBasicParsing -TimeoutSec 10 https://example.com | Out-Null"
	Say 'INFO' "network off, Invoke-WebRequest: exit $code (Windows PowerShell 5 ignores the proxy variables: reaching the network is expected, advisory mode)"
	$code = Pd run -C $ws -t 20 -- powershell -NoProfile -Command "(New-Object Net.Sockets.TcpClient).Connect('example.com', 80)"
	Say 'INFO' "network off, a raw TCP socket: exit $code (0 is expected: the unelevated mode cannot block it)"
	$code = Pd run -C $ws -- ssh example.org
	Check 'network off: ssh is the failing stub' ($code -eq 255)

	# --- the job object -------------------------------------------------------
	$code = Pd run -C $ws -t 2 -- cmd /c "start /b ping -n 90 127.0.0.1 >nul & ping -n 91 127.0.0.1 >nul"
	Start-Sleep -Seconds 1
	$left = Get-CimInstance Win32_Process -Filter "Name = 'PING.EXE'" | Where-Object { $_.CommandLine -match '-n 9[01] ' }
	Check 'a timeout exits 124 and kills the whole tree' (($code -eq 124) -and -not $left)

	$code = Pd run -C $ws -- cmd /c exit 7
	Check 'the exit code passes through' ($code -eq 7)
	$code = Pd run -C $ws -- no-such-program-anywhere
	Check 'a missing program exits 127' ($code -eq 127)

	# --- the elevated mode: paddock-runner.exe as the sandbox users --------
	if ($Elevated) {
		$em = '--windows-mode=elevated'
		$out = & $Paddock run $em -C $ws -- whoami 2>&1 | Out-String
		Check 'elevated: the command runs as the offline sandbox user, not as you' ($out -notmatch [regex]::Escape($env:USERNAME))

		# paddock-runner.exe in a directory of the profile made after
		# setup, which the background read grants never cover: paddock
		# grants the sandbox group read and execute on the runner and
		# traverse alone on the way to it, and the run starts.
		$runner = Join-Path (Split-Path $Paddock) 'paddock-runner.exe'
		$bin = Join-Path $base 'bin'
		New-Item -ItemType Directory -Path $bin | Out-Null
		Copy-Item $Paddock, $runner $bin
		$ErrorActionPreference = 'Continue'
		$out = & (Join-Path $bin 'paddock.exe') run $em -v -C $ws -- cmd /c exit 0 2>&1 | Out-String
		$code = $LASTEXITCODE
		$ErrorActionPreference = 'Stop'
		Write-Host $out
		Check 'elevated: a runner in a directory made after setup starts (granted at run time)' ($code -eq 0)
		$fs = [Security.AccessControl.FileSystemRights]
		$onRunner = (Get-Acl (Join-Path $bin 'paddock-runner.exe')).Access | Where-Object { $_.IdentityReference.Value -match 'paddock-sandbox' -and -not $_.IsInherited }
		Check "elevated: the runner's file has the group's read and execute entry, not inheritable" ($onRunner -and (($onRunner.FileSystemRights -band $fs::ReadAndExecute) -eq $fs::ReadAndExecute) -and $onRunner.InheritanceFlags -eq 'None')
		$onBin = (Get-Acl $bin).Access | Where-Object { $_.IdentityReference.Value -match 'paddock-sandbox' -and -not $_.IsInherited }
		Check "elevated: the runner's directory has a traverse entry that does not list it" ($onBin -and ($onBin.FileSystemRights -band $fs::Traverse) -and -not ($onBin.FileSystemRights -band $fs::ListDirectory) -and $onBin.InheritanceFlags -eq 'None')
		# A runner the offline user is denied: the logon hop's access
		# refusal gets its own message and hint.
		$denied = Join-Path $base 'bin-denied'
		New-Item -ItemType Directory -Path $denied | Out-Null
		Copy-Item $Paddock, $runner $denied
		icacls (Join-Path $denied 'paddock-runner.exe') /deny 'paddock-offline:(RX)' | Out-Null
		$ErrorActionPreference = 'Continue'
		$out = & (Join-Path $denied 'paddock.exe') run $em -C $ws -- cmd /c "echo ran> `"$ws\denied-runner.txt`"" 2>&1 | Out-String
		$code = $LASTEXITCODE
		$ErrorActionPreference = 'Stop'
		Write-Host $out
		Check 'elevated: a runner the sandbox user may not read fails with 125, its message and a hint' (($code -eq 125) -and ($out -match 'cannot read paddock-runner.exe') -and ($out -match 'hint: ') -and -not (Test-Path (Join-Path $ws 'denied-runner.txt')))

		# Network off: the offline user's firewall rule, whatever the tool.
		$code = Pd run $em -C $ws -t 30 -- cmd /c "curl -s --noproxy * -m 10 -o NUL https://example.com"
		Check 'elevated, network off: curl (proxy variables bypassed) cannot connect' ($code -ne 0)
		$code = Pd run $em -C $ws -t 30 -- powershell -NoProfile -Command "Invoke-WebRequest -UseBasicParsing -TimeoutSec 10 https://example.com | Out-Null"
		Check 'elevated, network off: PowerShell cannot connect' ($code -ne 0)
		$code = Pd run $em -C $ws -t 30 -- powershell -NoProfile -Command "(New-Object Net.Sockets.TcpClient).Connect('example.com', 80)"
		Check 'elevated, network off: a raw TCP socket cannot connect' ($code -ne 0)
		$code = Pd run $em -C $ws -t 30 -- cmd /c "ping -n 1 -w 2000 1.1.1.1 >NUL"
		Say 'INFO' "elevated, network off, ping: exit $code (the rule blocks outbound traffic of every protocol)"

		# Network on: the online user reaches the network.
		$code = Pd run $em -n on -C $ws -t 30 -- cmd /c "curl -s -m 10 -o NUL https://example.com"
		Check 'elevated, network on: curl connects' ($code -eq 0)
		$code = Pd run $em -n on -C $ws -t 30 -- powershell -NoProfile -Command "Invoke-WebRequest -UseBasicParsing -TimeoutSec 10 https://example.com | Out-Null"
		Check 'elevated, network on: PowerShell connects' ($code -eq 0)
		$code = Pd run $em -n on -C $ws -t 30 -- powershell -NoProfile -Command "(New-Object Net.Sockets.TcpClient).Connect('example.com', 80)"
		Check 'elevated, network on: a raw TCP socket connects' ($code -eq 0)

		# Writes, as in the unelevated mode.
		$code = Pd run $em -C $ws -- cmd /c "echo inside> elevated-inside.txt"
		Check 'elevated: a write inside the workspace succeeds' (($code -eq 0) -and (Test-Path (Join-Path $ws 'elevated-inside.txt')))
		$code = Pd run $em -C $ws -- cmd /c "echo x> `"$outside\elevated-escaped.txt`""
		Check 'elevated: a write outside the workspace fails' (($code -ne 0) -and -not (Test-Path (Join-Path $outside 'elevated-escaped.txt')))
		$code = Pd run $em -C $ws -- cmd /c "echo evil> .git\config"
		Check 'elevated: .git\config cannot be overwritten' ((Get-Content (Join-Path $ws '.git\config')) -eq 'original')
		$code = Pd run $em -s read-only -C $ws -- cmd /c "echo x> elevated-ro.txt"
		Check 'elevated, read-only: a write inside the workspace fails' (($code -ne 0) -and -not (Test-Path (Join-Path $ws 'elevated-ro.txt')))
		$code = Pd run $em -C $ws -- powershell -NoProfile -Command "Set-Content -Path elevated-ps.txt -Value ps"
		Check 'elevated: PowerShell starts in the workspace and writes there' (($code -eq 0) -and (Test-Path (Join-Path $ws 'elevated-ps.txt')))
		$code = Pd run $em -C $ws -t 2 -- cmd /c "ping -n 92 127.0.0.1 >nul"
		Check 'elevated: a timeout exits 124' ($code -eq 124)
		$code = Pd run $em -C $ws -- cmd /c exit 9
		Check 'elevated: the exit code passes through' ($code -eq 9)

		# Ctrl-C while 8 MB of stdin wait for a command that never reads
		# them: the terminate must not queue behind the data (the run
		# used to hang), and the run reports 130 with its tree gone.
		# paddock runs in a console of its own, without a window; a
		# helper attaches to that console and sends the Ctrl-C there.
		$helper = Join-Path $base 'ctrl-c.ps1'
		Set-Content -Path $helper -Value @'
param([int]$Id)
Add-Type -TypeDefinition @"
using System; using System.Runtime.InteropServices;
public static class PaddockCtrlC {
	[DllImport("kernel32.dll")] public static extern bool FreeConsole();
	[DllImport("kernel32.dll")] public static extern bool AttachConsole(uint pid);
	[DllImport("kernel32.dll")] public static extern bool SetConsoleCtrlHandler(IntPtr handler, bool add);
	[DllImport("kernel32.dll")] public static extern bool GenerateConsoleCtrlEvent(uint ctrlEvent, uint group);
}
"@
[PaddockCtrlC]::FreeConsole() | Out-Null
if (-not [PaddockCtrlC]::AttachConsole([uint32]$Id)) { exit 2 }
[PaddockCtrlC]::SetConsoleCtrlHandler([IntPtr]::Zero, $true) | Out-Null
if (-not [PaddockCtrlC]::GenerateConsoleCtrlEvent(0, 0)) { exit 3 }
exit 0
'@
		$psi = New-Object Diagnostics.ProcessStartInfo $Paddock
		$psi.Arguments = "run $em -C `"$ws`" -- cmd /c `"ping -n 94 127.0.0.1 >nul`""
		$psi.UseShellExecute = $false
		$psi.CreateNoWindow = $true
		$psi.RedirectStandardInput = $true
		$p = [Diagnostics.Process]::Start($psi)
		$feed = $p.StandardInput.BaseStream.WriteAsync((New-Object byte[] (8MB)), 0, 8MB)
		Start-Sleep -Seconds 6
		$h = Start-Process -FilePath (Join-Path $env:SystemRoot 'System32\WindowsPowerShell\v1.0\powershell.exe') -ArgumentList '-NoProfile', '-ExecutionPolicy', 'Bypass', '-File', $helper, '-Id', $p.Id -WindowStyle Hidden -Wait -PassThru
		$ended = $p.WaitForExit(15000)
		Start-Sleep -Seconds 1
		$left = Get-CimInstance Win32_Process -Filter "Name = 'PING.EXE'" | Where-Object { $_.CommandLine -match '-n 94 ' }
		if ($h.ExitCode -ne 0) { Say 'INFO' "the Ctrl-C helper could not reach paddock's console (exit $($h.ExitCode)): check skipped" }
		else { Check 'elevated: Ctrl-C while stdin waits unread ends the run with 130 and kills the tree' ($ended -and ($p.ExitCode -eq 130) -and -not $left) }
		if (-not $ended) { $p.Kill() }
		try { $p.StandardInput.Close() } catch { }

		# While a run waits, its runner's pipe refuses you. Once the
		# runner is connected the single instance is busy for anyone,
		# so this cannot tell the DACL from the instance limit; the
		# process id check below is the one that would catch a client
		# of the sandbox user's that came first.
		$job = Start-Job -ScriptBlock { param($p, $w) & $p run --windows-mode=elevated -C $w -t 20 -- cmd /c "ping -n 15 127.0.0.1 >nul" } -ArgumentList $Paddock, $ws
		Start-Sleep -Seconds 4
		$pipes = [System.IO.Directory]::GetFiles('\\.\pipe\') | Where-Object { $_ -match 'paddock-runner-[0-9a-f]{32}-in$' }
		$opened = $false
		foreach ($pipe in $pipes) {
			try {
				$name = $pipe -replace '^\\\\\.\\pipe\\', ''
				$client = New-Object System.IO.Pipes.NamedPipeClientStream('.', $name, [System.IO.Pipes.PipeDirection]::In)
				$client.Connect(1000)
				$opened = $true
				$client.Dispose()
			} catch { }
		}
		Check "elevated: the runner's pipe was found while a run waited" ($pipes.Count -gt 0)
		Check "elevated: the runner's pipe refuses you while a run waits" (-not $opened)
		Stop-Job $job -ErrorAction SilentlyContinue
		Remove-Job $job -Force -ErrorAction SilentlyContinue

		# A client that is the sandbox user's but not the runner paddock
		# started is refused by its process id (runner_client.exe, the
		# Wine test client, does this as the caller).
		$client = Join-Path (Split-Path $Paddock) 'runner_client.exe'
		if (Test-Path $client) {
			$ErrorActionPreference = 'Continue'
			$out = & $client (Join-Path (Split-Path $Paddock) 'paddock-runner.exe') --impostor -- "$env:SystemRoot\System32\cmd.exe" /c "echo ran> `"$ws\impostor.txt`"" 2>&1 | Out-String
			$ErrorActionPreference = 'Stop'
			Check 'a pipe client other than the runner started is refused' (($LASTEXITCODE -eq 125) -and -not (Test-Path (Join-Path $ws 'impostor.txt')))
		}
		$code = Pd run $em -s full-access -C $ws -- cmd /c exit 0
		Check 'elevated with full access is refused (125): a sandbox user has not your rights' ($code -eq 125)

		# The command's own window station and desktop: it cannot open
		# WinSta0 (its token's logon SID, the real user's, is deny-only),
		# so it cannot send input or messages to your applications. The
		# probe is copied into the workspace, which the sandbox group may
		# read, rather than run from the build directory.
		$probe = Join-Path (Split-Path $Paddock) 'desktop-probe.exe'
		if (Test-Path $probe) {
			Copy-Item $probe (Join-Path $ws 'desktop-probe.exe')
			$out = & $Paddock run $em -C $ws -- (Join-Path $ws 'desktop-probe.exe') 2>&1 | Out-String
			$code = $LASTEXITCODE
			Say 'INFO' ("desktop probe: " + $out.Trim())
			Check 'elevated: the command runs on a window station of its own, not WinSta0' (($out -match 'station=') -and ($out -notmatch 'station=WinSta0'))
			Check 'elevated: the command cannot open WinSta0 or its default desktop' (($code -eq 0) -and ($out -match 'winsta0=refused'))
			Remove-Item (Join-Path $ws 'desktop-probe.exe') -Force -ErrorAction SilentlyContinue
		}

		# Proxy mode (issue 7): the offline user, whose filters leave only
		# the proxy's loopback ports (127.0.0.1:3128-3135) open.
		$report = Join-Path $base 'proxy-report.jsonl'
		$px = @('--network', 'proxy', '--allow-domain', 'example.com', '--proxy-report', $report)
		$out = & $Paddock run $em @px -C $ws -t 60 -- cmd /c "curl -s -m 20 -o NUL -w %{http_code} https://example.com" 2>&1 | Out-String
		Check 'proxy: curl reaches an allowed domain through the proxy variables' ($out -match '200')
		$code = Pd run $em @px -C $ws -t 60 -- cmd /c "curl -s -m 20 -o NUL https://www.iana.org"
		Check 'proxy: a domain not allowed is refused' ($code -ne 0)
		Check 'proxy: the refusal is in the report' ((Test-Path $report) -and ((Get-Content $report -Raw) -match '"host":"www.iana.org","port":443,"reason":"not-allowed"'))
		$code = Pd run $em @px -C $ws -t 60 -- cmd /c "curl -s --noproxy * -m 10 -o NUL https://example.com"
		Check 'proxy: curl ignoring the variables cannot connect' ($code -ne 0)
		$code = Pd run $em @px -C $ws -t 60 -- powershell -NoProfile -Command "(New-Object Net.Sockets.TcpClient).Connect('93.184.215.14', 443)"
		Check 'proxy: a raw socket around the proxy cannot connect' ($code -ne 0)
		# A service of yours on loopback, outside the proxy's range, is
		# out of the offline user's reach (the WFP filters; firewall rules
		# do not apply to loopback).
		$listener = New-Object Net.Sockets.TcpListener([Net.IPAddress]::Loopback, 0)
		$listener.Start()
		$port = $listener.LocalEndpoint.Port
		$code = Pd run $em @px -C $ws -t 30 -- powershell -NoProfile -Command "(New-Object Net.Sockets.TcpClient).Connect('127.0.0.1', $port)"
		Check "proxy: a loopback service of yours (port $port) is unreachable" ($code -ne 0)
		$code = Pd run $em -C $ws -t 30 -- powershell -NoProfile -Command "(New-Object Net.Sockets.TcpClient).Connect('127.0.0.1', $port)"
		Check "network off: a loopback service of yours (port $port) is unreachable" ($code -ne 0)
		$listener.Stop()
	}
}
finally {
	cmd /c rmdir "$ws\junction-out" 2>$null
	cmd /c rmdir "$base\ws-link" 2>$null
	Remove-Item -Recurse -Force -Path $base -ErrorAction SilentlyContinue
}

# --- paddock setup and uninstall (issue 5), with -Setup ---------------------

# Exit status of a TCP connect to 127.0.0.1:$port made by PowerShell
# running as $user (0: connected, 3: refused or blocked).
function Connect-As([string]$user, [string]$password, [int]$port) {
	$secure = ConvertTo-SecureString $password -AsPlainText -Force
	$cred = New-Object Management.Automation.PSCredential ("$env:COMPUTERNAME\$user", $secure)
	$cmd = "try { (New-Object Net.Sockets.TcpClient).Connect('127.0.0.1', $port); exit 0 } catch { exit 3 }"
	$p = Start-Process -FilePath (Join-Path $env:SystemRoot 'System32\WindowsPowerShell\v1.0\powershell.exe') -ArgumentList '-NoProfile', '-Command', $cmd -Credential $cred -WorkingDirectory $env:SystemRoot -WindowStyle Hidden -Wait -PassThru
	return $p.ExitCode
}

# A sandbox user's password, decrypted as paddock.exe does (DPAPI,
# machine scope, no entropy; an elevated session may read the file).
function Get-SandboxPassword([string]$dir, [string]$user) {
	Add-Type -AssemblyName System.Security
	$blob = [IO.File]::ReadAllBytes((Join-Path $dir "$user.secret"))
	$plain = [Security.Cryptography.ProtectedData]::Unprotect($blob, $null, 'LocalMachine')
	return [Text.Encoding]::ASCII.GetString($plain)
}

# Whether netsh's dump of the filter engine's state names the key.
function Test-WfpKey([string]$key) {
	$file = Join-Path $env:TEMP ("paddock-wfp-" + [guid]::NewGuid().ToString('N') + '.xml')
	netsh wfp show state file="$file" | Out-Null
	$found = (Get-Content -Raw $file) -match [regex]::Escape($key)
	Remove-Item -Force $file -ErrorAction SilentlyContinue
	return $found
}

# The loopback block and the proxy's port range (setup_wfp_spec.c): the
# firewall rules cannot cover loopback, the WFP filters do.
function Test-Loopback([string]$dir) {
	$offline = Get-SandboxPassword $dir 'paddock-offline'
	$online = Get-SandboxPassword $dir 'paddock-online'
	$listeners = @{}
	foreach ($port in 3127, 3128, 3135, 3136) {
		try {
			$l = New-Object Net.Sockets.TcpListener ([Net.IPAddress]::Loopback, $port)
			$l.Start(); $listeners[$port] = $l
		}
		catch { Say 'INFO' "port $port is taken here: its loopback checks are skipped" }
	}
	try {
		foreach ($port in 3127, 3136) {
			if (-not $listeners[$port]) { continue }
			Check "the offline user cannot reach a loopback listener outside the proxy's range (127.0.0.1:$port)" ((Connect-As 'paddock-offline' $offline $port) -ne 0)
			Check "the online user reaches the same listener (127.0.0.1:$port)" ((Connect-As 'paddock-online' $online $port) -eq 0)
		}
		foreach ($port in 3128, 3135) {
			if (-not $listeners[$port]) { continue }
			Check "the offline user reaches a loopback listener inside the proxy's range (127.0.0.1:$port)" ((Connect-As 'paddock-offline' $offline $port) -eq 0)
		}
	}
	finally { foreach ($l in $listeners.Values) { $l.Stop() } }
}
# A setup directory made before setup, by a user who keeps its DACL in
# his hands, or a junction there, is never adopted (setup_trust.c): setup
# stops before its first change and writes nothing into it or through it.
function Test-SquattedSetupDir([string]$dir) {
	if (Test-Path $dir) { Say 'INFO' "squatted setup directory checks skipped: $dir exists already"; return }
	$me = [Security.Principal.WindowsIdentity]::GetCurrent().User
	New-Item -ItemType Directory -Path $dir | Out-Null
	try {
		$acl = Get-Acl $dir
		$acl.SetOwner($me)
		Set-Acl -Path $dir -AclObject $acl
		Set-Content -Path "$dir\planted" -Value 'planted'
		$code = Pd setup
		Check 'setup refuses a setup directory another user owns' ($code -eq 125)
		Check '... writes no secret into it' (-not (Test-Path "$dir\paddock-offline.secret"))
		Check '... and leaves its owner and contents alone' ((((Get-Acl $dir).GetOwner([Security.Principal.SecurityIdentifier])).Value -eq $me.Value) -and (Test-Path "$dir\planted"))
		Check '... and creates no sandbox user' ($null -eq (Get-LocalUser -Name 'paddock-offline' -ErrorAction SilentlyContinue))
	}
	finally { Remove-Item -Recurse -Force -Path $dir -ErrorAction SilentlyContinue }
	$target = Join-Path $env:USERPROFILE ('paddock-junction-target-' + [guid]::NewGuid().ToString('N'))
	New-Item -ItemType Directory -Path $target | Out-Null
	cmd /c mklink /J "$dir" "$target" | Out-Null
	try {
		$code = Pd setup
		Check 'setup refuses a junction at the setup directory' ($code -eq 125)
		Check '... and writes nothing through it' (@(Get-ChildItem -Force $target).Count -eq 0)
	}
	finally {
		cmd /c rmdir "$dir" 2>$null
		Remove-Item -Recurse -Force -Path $target -ErrorAction SilentlyContinue
	}
}

# The hex record of setup_args.c: version 1, action, flags, no roots, the
# SID and the profile.
function Get-SetupArgsHex([int]$action, [int]$flags, [string]$sid, [string]$profile) {
	$b = New-Object Collections.Generic.List[byte]
	$b.AddRange([Text.Encoding]::ASCII.GetBytes('PDSA'))
	$b.AddRange([byte[]](1, $action, $flags, 0))
	foreach ($text in $sid, $profile) {
		$utf8 = [Text.Encoding]::UTF8.GetBytes($text)
		$b.AddRange([BitConverter]::GetBytes([uint16]$utf8.Length))
		$b.AddRange($utf8)
	}
	return (($b | ForEach-Object { $_.ToString('x2') }) -join '')
}

# paddock-setup.exe, elevated, sets up only its own user or the session's:
# the built-in Administrator's SID (a real user, with a profile path the
# system knows or not) is refused by that check, before any other.
function Test-SetupCaller {
	$me = [Security.Principal.WindowsIdentity]::GetCurrent().User.Value
	$other = (Get-LocalUser | Where-Object { $_.SID.Value -match '-500$' -and $_.SID.Value -ne $me } | Select-Object -First 1).SID.Value
	if (-not $other) { Say 'INFO' 'caller check skipped: no other local account'; return }
	$exe = Join-Path (Split-Path $Paddock) 'paddock-setup.exe'
	$ErrorActionPreference = 'Continue'
	$out = (& $exe --args (Get-SetupArgsHex 1 1 $other $env:USERPROFILE) 2>&1) -join "`n"
	Check "paddock-setup.exe refuses another account's SID" (($LASTEXITCODE -eq 1) -and ($out -match 'neither the elevated user'))
}

function Test-Setup {
	$elevated = ([Security.Principal.WindowsPrincipal][Security.Principal.WindowsIdentity]::GetCurrent()).IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)
	if (-not $elevated) { Say 'INFO' 'setup checks skipped: this session is not elevated'; return }
	$dir = Join-Path $env:ProgramData 'paddock'
	$ssh = Join-Path $env:USERPROFILE '.ssh'
	$madeSsh = -not (Test-Path $ssh)
	if ($madeSsh) { New-Item -ItemType Directory -Path $ssh | Out-Null; Set-Content -Path "$ssh\id_test" -Value 'not a key' }
	# The WFP objects' keys, as the dry run prints them.
	# A junction at the top of the profile, to a directory outside it:
	# the read grants never reach its target.
	$jtarget = Join-Path $env:SystemDrive ('paddock-jtarget-' + [guid]::NewGuid().ToString('N'))
	$junction = Join-Path $env:USERPROFILE ('paddock-junction-' + [guid]::NewGuid().ToString('N'))
	New-Item -ItemType Directory -Path $jtarget | Out-Null
	cmd /c mklink /J "$junction" "$jtarget" | Out-Null
	$keys = @(([regex]::Matches(((& $Paddock setup --dry-run) -join "`n"), 'WFP (?:sublayer|filter) \S+ (\{[0-9a-f-]{36}\})')) | ForEach-Object { $_.Groups[1].Value })
	Check 'the dry run names the WFP sublayer and its three filters' ($keys.Count -eq 4)
	Test-SquattedSetupDir $dir
	Test-SetupCaller
	try {
		$code = Pd setup
		Check 'paddock setup succeeds' ($code -eq 0)
		Check 'the setup directory is owned by Administrators' (((Get-Acl $dir).GetOwner([Security.Principal.SecurityIdentifier])).Value -eq 'S-1-5-32-544')
		foreach ($key in $keys) { Check "the WFP object $key exists" (Test-WfpKey $key) }
		Test-Loopback $dir
		foreach ($u in 'paddock-offline', 'paddock-online') {
			Check "user $u exists" ($null -ne (Get-LocalUser -Name $u -ErrorAction SilentlyContinue))
			$members = Get-LocalGroupMember -SID 'S-1-5-32-545' | ForEach-Object { $_.Name.Split('\')[-1] }
			Check "$u is in Users (found by SID)" ($members -contains $u)
			$hidden = Get-ItemProperty 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Winlogon\SpecialAccounts\UserList' -Name $u -ErrorAction SilentlyContinue
			Check "$u is hidden from the logon screen" ($null -ne $hidden -and $hidden.$u -eq 0)
		}
		$group = Get-LocalGroup -Name 'paddock-sandbox' -ErrorAction SilentlyContinue
		Check 'group paddock-sandbox exists' ($null -ne $group)
		$groupSid = $group.SID.Value
		$rule = Get-NetFirewallRule -Name 'paddock-offline-block-outbound' -ErrorAction SilentlyContinue
		if (-not $rule) { $rule = Get-NetFirewallRule -DisplayName 'paddock-offline-block-outbound' -ErrorAction SilentlyContinue }
		Check 'the outbound rule blocks, enabled, every profile' ($rule -and $rule.Action -eq 'Block' -and $rule.Direction -eq 'Outbound' -and $rule.Enabled -eq 'True')
		$acl = Get-Acl $dir
		Check 'the setup directory denies the sandbox group' ($null -ne ($acl.Access | Where-Object { $_.AccessControlType -eq 'Deny' -and $_.IdentityReference.Value -match 'paddock-sandbox' }))
		Check 'both secrets exist' ((Test-Path "$dir\paddock-offline.secret") -and (Test-Path "$dir\paddock-online.secret"))
		$check = (& $Paddock check) -join "`n"
		Check 'check trusts the setup' ($check -match 'set up and verified')
		# The reader side: a setup directory that changed owner is not
		# paddock's any more.
		$me = [Security.Principal.WindowsIdentity]::GetCurrent().User
		$acl = Get-Acl $dir; $acl.SetOwner($me); Set-Acl -Path $dir -AclObject $acl
		Check 'check distrusts a setup directory another user owns' (((& $Paddock check) -join "`n") -match 'not usable: the setup directory .* is owned by neither Administrators nor SYSTEM')
		$acl = Get-Acl $dir; $acl.SetOwner([Security.Principal.SecurityIdentifier]'S-1-5-32-544'); Set-Acl -Path $dir -AclObject $acl
		Check '... and trusts it again once Administrators own it' (((& $Paddock check) -join "`n") -match 'set up and verified')
		for ($i = 0; $i -lt 120 -and -not ((& $Paddock check) -join "`n" -match 'read grants done'); $i++) { Start-Sleep -Seconds 5 }
		Check 'the background read grants finish' (((& $Paddock check) -join "`n") -match 'read grants done')
		$onProfile = (Get-Acl $env:USERPROFILE).Access | Where-Object { $_.IdentityReference.Value -match 'paddock-sandbox' -and -not $_.IsInherited }
		Check 'the profile itself has a non-inherited read entry' ($onProfile -and $onProfile.InheritanceFlags -eq 'None')
		$onSsh = @((Get-Acl $ssh).Access) + @((Get-Acl "$ssh\id_test").Access) | Where-Object { $_.IdentityReference.Value -match 'paddock-sandbox' }
		Check 'nothing grants the sandbox group anything on ~/.ssh' (-not $onSsh)
		Check 'a junction at the top of the profile carries no grant to its target' (-not ((Get-Acl $jtarget).Sddl -match [regex]::Escape($groupSid)))

		# A marker whose firewall rule was deleted is not trusted.
		Remove-NetFirewallRule -DisplayName 'paddock-offline-block-outbound'
		$check = (& $Paddock check) -join "`n"
		Check 'the marker is not trusted after the outbound rule is deleted' ($check -match 'not usable: a firewall rule blocking the offline user is missing')
		$code = Pd setup
		Check 'setup again restores it (idempotent)' (($code -eq 0) -and (((& $Paddock check) -join "`n") -match 'set up and verified'))

		$code = Pd uninstall
		Check 'paddock uninstall succeeds' ($code -eq 0)
		foreach ($u in 'paddock-offline', 'paddock-online') {
			Check "no user $u is left" ($null -eq (Get-LocalUser -Name $u -ErrorAction SilentlyContinue))
			Check "no profile of $u is left" (-not (Get-CimInstance Win32_UserProfile | Where-Object { $_.LocalPath -match "\\$u(\.|$)" }))
			Check "no logon-screen value for $u is left" ($null -eq (Get-ItemProperty 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Winlogon\SpecialAccounts\UserList' -Name $u -ErrorAction SilentlyContinue))
		}
		Check 'no group is left' ($null -eq (Get-LocalGroup -Name 'paddock-sandbox' -ErrorAction SilentlyContinue))
		Check 'no firewall rule is left' ($null -eq (Get-NetFirewallRule -DisplayName 'paddock-offline-*' -ErrorAction SilentlyContinue))
		foreach ($key in $keys) { Check "no WFP object $key is left" (-not (Test-WfpKey $key)) }
		Check 'no file is left' (-not (Test-Path $dir))
		$left = @($env:USERPROFILE) + @(Get-ChildItem -Force $env:USERPROFILE | Where-Object { -not ($_.Attributes -band [IO.FileAttributes]::ReparsePoint) } | ForEach-Object { $_.FullName }) |
			Where-Object { (Get-Acl $_ -ErrorAction SilentlyContinue).Sddl -match [regex]::Escape($groupSid) }
		Check 'no ACL entry for the group is left on the profile or its children' (-not $left)
	}
	finally {
		if ($madeSsh) { Remove-Item -Recurse -Force $ssh -ErrorAction SilentlyContinue }
		cmd /c rmdir "$junction" 2>$null
		Remove-Item -Recurse -Force -Path $jtarget -ErrorAction SilentlyContinue
	}
}

if ($Setup) { Test-Setup }

Say 'INFO' "$($script:passed) passed, $($script:failed) failed"
if ($script:failed -gt 0) { exit 1 }
exit 0
