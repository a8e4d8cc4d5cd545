#!/usr/bin/env bats
# Wine smoke tests of paddock.exe, the mingw-w64 build (make windows).
#
# WHAT THESE PROVE, AND WHAT THEY DO NOT. Wine enforces neither ACLs nor
# restricted tokens: a process there may write wherever the Unix user
# may, whatever the DACLs and the token say. So nothing here tests the
# sandbox's boundary. These tests prove the plumbing around it: that
# paddock.exe starts, parses its options, finds programs, quotes command
# lines, passes stdin, stdout, stderr and exit codes through, kills a
# timed-out tree through its job object, builds the network-off
# environment, persists the capability SIDs, and refuses to run confined
# where the system cannot confine (Wine returns a "restricted" token that
# keeps every privilege; paddock detects that and exits 125). The
# boundary itself is tested on real Windows by tests/windows/enforce.ps1.
#
# Run: tests/windows/smoke.sh BUILD_WINDOWS_DIR (CTest's windows/smoke),
# or PADDOCK_EXE=... WINE=... bats tests/windows/smoke.bats.

bats_require_minimum_version 1.5.0

setup_file() {
	: "${PADDOCK_EXE:?set PADDOCK_EXE to paddock.exe}"
	: "${WINE:?set WINE to the wine64 loader}"
	# One prefix per run of this file: wineboot takes seconds, so it
	# runs once here, not in every test.
	WINEPREFIX=$(mktemp -d /tmp/paddock-wine.XXXXXX)
	export WINEPREFIX WINEDEBUG=-all
	"$WINE" wineboot -i >/dev/null 2>&1
	# The Wine side names the workspace through drive Z:, Wine's view
	# of the Unix root.
	export PADDOCK_HOME_UNIX="$WINEPREFIX/paddock-home"
	mkdir -p "$PADDOCK_HOME_UNIX"
}

teardown_file() {
	# The wineserver of this prefix lingers for a few seconds after the
	# last process; stop it before removing its prefix.
	WINEPREFIX=$WINEPREFIX "${WINE%64}server${WINE##*wine}" -k \
		>/dev/null 2>&1 || true
	rm -rf "$WINEPREFIX"
}

setup() {
	ws=$(mktemp -d /tmp/paddock-ws.XXXXXX)
	cd "$ws"
	export PADDOCK_HOME="Z:$PADDOCK_HOME_UNIX"
}

teardown() {
	cd /
	rm -rf "$ws"
}

pd() {
	"$WINE" "$PADDOCK_EXE" "$@"
}

@test "paddock.exe --version" {
	run pd --version
	[ "$status" -eq 0 ]
	[[ "$output" == "paddock "* ]]
}

@test "check reports the mode, that Wine cannot restrict a token, and that the network block is advisory" {
	run pd check
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"Wine does this"* ]]
	[[ "$output" == *"ADVISORY"* ]]
	[[ "$output" == *"elevated mode (sandbox users, firewall): not usable"* ]]
	[[ "$output" == *"proxy mode is refused"* ]]
}

@test "a confined run is refused under Wine, with the reason, not run unconfined" {
	run pd run -- cmd /c "echo x> escaped.txt"
	echo "$output"
	[ "$status" -eq 125 ]
	[[ "$output" == *"kept a privilege"* ]]
	[ ! -e escaped.txt ]
}

@test "a .git pointer file is followed to the git directory and its common directory" {
	# What 'git worktree add' leaves: a .git file naming the worktree's
	# git directory, whose commondir names the repository's .git. The
	# run stops at the token check under Wine; the pointer is resolved
	# before it, and -v says what will be protected.
	mkdir -p main/.git/worktrees/wt wt
	printf 'gitdir: ../main/.git/worktrees/wt\r\n' >wt/.git
	printf '../..\n' >main/.git/worktrees/wt/commondir
	run pd run -v -C wt -- cmd /c exit 0
	echo "$output"
	[ "$status" -eq 125 ]
	wsw="Z:$(printf '%s' "$ws" | tr '/' '\\')"
	[[ "$output" == *"$wsw\wt\.git: git directory $wsw\main\.git\worktrees\wt, to be protected"* ]]
	[[ "$output" == *"$wsw\wt\.git: common git directory $wsw\main\.git, to be protected"* ]]
	# A submodule: an absolute pointer with forward slashes, a BOM and
	# no commondir.
	mkdir -p main/.git/modules/sub sub
	printf '\xef\xbb\xbfgitdir: %s/main/.git/modules/sub\n' \
		"$(printf '%s' "$wsw" | tr '\\' '/')" >sub/.git
	run pd run -v -C sub -- cmd /c exit 0
	[ "$status" -eq 125 ]
	[[ "$output" == *"git directory $wsw\main\.git\modules\sub, to be protected"* ]]
	[[ "$output" != *"common git directory"* ]]
}

@test "a .git pointer that cannot be read or resolved is refused, not ignored" {
	mkdir wt
	printf 'gitdir: ../gone/.git/worktrees/wt\n' >wt/.git
	run pd run -C wt -- cmd /c "echo x> escaped.txt"
	echo "$output"
	[ "$status" -eq 125 ]
	[[ "$output" == *"cannot resolve the git directory a .git file points to"* ]]
	[[ "$output" == *"hint: "*"git worktree repair"* ]]
	[[ "$output" != *"kept a privilege"* ]]
	printf 'not a pointer\n' >wt/.git
	run pd run -C wt -- cmd /c exit 0
	[ "$status" -eq 125 ]
	[[ "$output" == *'not a "gitdir: PATH" pointer'* ]]
	# A worktree whose commondir names nothing.
	mkdir -p main/.git/worktrees/wt
	printf 'gitdir: ../main/.git/worktrees/wt\n' >wt/.git
	printf '../../../nowhere\n' >main/.git/worktrees/wt/commondir
	run pd run -C wt -- cmd /c exit 0
	[ "$status" -eq 125 ]
	[[ "$output" == *"cannot resolve the git directory"* ]]
	[ ! -e wt/escaped.txt ]
	# Full access protects nothing, so it follows nothing.
	run pd run -s full-access -C wt -- cmd /c exit 3
	[ "$status" -eq 3 ]
}

@test "the capability SIDs are persisted per workspace and reused" {
	run pd run -- cmd /c exit 0
	[ "$status" -eq 125 ]
	store="$PADDOCK_HOME_UNIX/capability-sids"
	# The key is the canonical path, case-folded.
	key="workspace:z:$(printf '%s' "$ws" | tr '/' '\\' | tr 'A-Z' 'a-z')"
	grep -qF "$key	S-1-5-21-" "$store"
	before=$(cat "$store")
	run pd run -- cmd /c exit 0
	[ "$(cat "$store")" = "$before" ]
	[ -f "$PADDOCK_HOME_UNIX/stubs-1/ssh.cmd" ]
}

@test "run -- cmd /c echo: output passes through" {
	run pd run -s full-access -- cmd /c echo hello from inside
	[ "$status" -eq 0 ]
	[[ "$output" == *"hello from inside"* ]]
}

@test "exit codes: the command's own, 127 not found, 126 not executable, 125 paddock failed" {
	run pd run -s full-access -- cmd /c exit 7
	[ "$status" -eq 7 ]
	run -127 pd run -s full-access -- no-such-program-anywhere
	[ "$status" -eq 127 ]
	echo "not a program" >notexe.exe
	run pd run -s full-access -- '.\notexe.exe'
	[ "$status" -eq 126 ]
	run pd run -s full-access -C 'Z:\no\such\dir' -- cmd /c exit 0
	[ "$status" -eq 125 ]
	run pd run --deny-read 'C:\windows' -- cmd /c exit 0
	[ "$status" -eq 125 ]
	[[ "$output" == *"deny-read"* ]]
}

@test "a write lands in the workspace" {
	run pd run -s full-access -- cmd /c "echo written> out.txt"
	[ "$status" -eq 0 ]
	[ "$(tr -d '\r' <out.txt)" = "written" ]
}

@test "stdin passes through" {
	run bash -c "echo piped-line | \"$WINE\" \"$PADDOCK_EXE\" run -s full-access -- cmd /c \"set /p x=&& call echo got %x%\""
	[ "$status" -eq 0 ]
	[[ "$output" == *"got piped-line"* ]]
}

@test "a timeout kills the whole tree and exits 124" {
	start=$SECONDS
	run pd run -s full-access -t 1 -- cmd /c "start /b ping -n 61 127.0.0.1 >nul & ping -n 62 127.0.0.1 >nul"
	[ "$status" -eq 124 ]
	[ $((SECONDS - start)) -lt 20 ]
	# Killed processes may linger as zombies of Wine's; none may run.
	# wineserver ends them asynchronously, later on a loaded machine: wait
	# up to 10 s before calling one a survivor.
	local i
	for i in $(seq 50); do
		ps -eo stat=,args= | grep -v '^Z' | grep -q "ping.* -n 6[12] " ||
			return 0
		sleep 0.2
	done
	ps -eo stat=,args= | grep "ping.* -n 6[12] " >&2
	return 1
}

@test "the network-off environment and the ssh stub" {
	run pd run -s full-access -- cmd /c set
	[[ "$output" == *"HTTP_PROXY=http://127.0.0.1:9"* ]]
	[[ "$output" == *"GIT_SSH_COMMAND=false"* ]]
	[[ "$output" == *"PATHEXT=.CMD;"* ]]
	run pd run -s full-access -- ssh example.org
	[ "$status" -eq 255 ]
	[[ "$output" == *"network is off"* ]]
	run pd run -s full-access -n on -- cmd /c set
	[[ "$output" != *"HTTP_PROXY=http://127.0.0.1:9"* ]]
}

@test "a batch file gets its arguments quoted, and dangerous ones are refused" {
	# %1 keeps the quotes cmd needs; %~1 would drop them and let the
	# batch file's own echo line split at the '&'.
	printf '@echo [%%1] [%%2] [%%3]\r\n' >t.cmd
	run pd run -s full-access -- '.\t.cmd' 'a&b' 'c d' plain
	[ "$status" -eq 0 ]
	[[ "$output" == *'["a&b"] ["c d"] [plain]'* ]]
	run pd run -s full-access -- '.\t.cmd' '%PATH%'
	[ "$status" -eq 125 ]
	[[ "$output" == *"batch file safely"* ]]
}

@test "sessions say they are not supported on Windows yet" {
	run pd session 'Z:\tmp\s'
	[ "$status" -eq 125 ]
	[[ "$output" == *"not supported on Windows yet"* ]]
}

# --- paddock setup and uninstall (issue 5, part 1) -------------------------
#
# Wine 8 implements DPAPI, but not users (NetLocalGroupAdd and NetUserAdd
# are stubs that report success and create nothing) nor the firewall's
# rules (INetFwRule3 and the policy's state are missing) nor the Windows
# Filtering Platform (FwpmEngineOpen0 answers 1764). So a real setup
# must fail here at its first step, say why, and leave no marker; the
# steps Wine has are driven one by one through setupw-probe.exe.

setup_exe() {
	"$WINE" "$(dirname "$PADDOCK_EXE")/paddock-setup.exe" "$@"
}

probe() {
	"$WINE" "$(dirname "$PADDOCK_EXE")/setupw-probe.exe" "$@"
}

# pd without the console's carriage returns, keeping pd's status.
pd_lines() {
	set -o pipefail
	pd "$@" | tr -d '\r'
}

wine_profile() {
	echo "$WINEPREFIX/drive_c/users/$(id -un)"
}

# The hex record of setup_args.c: version, action, flags, SID, profile,
# then the writable roots, if any.
args_hex() {
	python3 -c '
import struct, sys
v, action, flags, sid, profile = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
roots = sys.argv[6:]
b = b"PDSA" + bytes([v, action, flags, len(roots)])
for s in [sid, profile] + roots:
    s = s.encode()
    b += struct.pack("<H", len(s)) + s
print(b.hex())' "$@"
}

wine_sid() {
	"$WINE" reg query 'HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\ProfileList' 2>/dev/null |
		tr -d '\r' | sed -n 's/.*ProfileList\\\(S-1-5-21-[0-9-]*\)$/\1/p' | head -n 1
}

@test "every executable carries the asInvoker manifest" {
	for exe in paddock.exe paddock-setup.exe paddock-runner.exe \
		runner_client.exe setupw-probe.exe test_proxy_server.exe \
		proxyw-probe.exe; do
		strings "$(dirname "$PADDOCK_EXE")/$exe" |
			grep -q 'requestedExecutionLevel level="asInvoker"'
	done
}

@test "setup --dry-run prints every change in order, never .ssh, and makes none" {
	mkdir -p "$(wine_profile)/.ssh" "$(wine_profile)/projects"
	run pd_lines setup --dry-run
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "paddock setup --dry-run: "*" changes, none made:" ]]
	[[ "$output" == *"create local group paddock-sandbox"* ]]
	[[ "$output" == *"create local user paddock-offline (network off)"* ]]
	[[ "$output" == *"create local user paddock-online (network on)"* ]]
	[[ "$output" == *"add paddock-offline to the built-in Users group (S-1-5-32-545)"* ]]
	[[ "$output" == *"hide paddock-online from the logon screen"* ]]
	[[ "$output" == *"DPAPI-encrypted, to C:\\ProgramData\\paddock\\paddock-offline.secret"* ]]
	[[ "$output" == *"grant paddock-sandbox read and execute on C:\\users\\$(id -un) (that directory only)"* ]]
	[[ "$output" == *"read and execute on C:\\users\\$(id -un)\\projects and everything inside"* ]]
	# The dry run asks, as setup does, whether Users reads a system tree
	# already; Wine's DACLs let it read them all, so none gets a grant.
	[[ "$output" != *"read and execute on C:\\windows"* ]]
	[[ "$output" != *"read and execute on C:\\ProgramData"* ]]
	[[ "$output" == *"create directory C:\\ProgramData\\paddock, owned by Administrators"* ]]
	[[ "$output" != *".ssh"* ]]
	[[ "$output" == *"add WFP sublayer paddock-offline-connect {9014d008-fd78-4fc3-a064-79cbea8e13c1}"* ]]
	[[ "$output" == *"add WFP filter paddock-offline-block-v4 {59bb3338-9b84-4e04-8275-a1eea4ca8e10} (persistent): block every IPv4 connection of paddock-offline, loopback included"* ]]
	[[ "$output" == *"add WFP filter paddock-offline-block-v6 {c4915ccb-e77c-4584-8796-be14590fdc0e} (persistent): block every IPv6 connection of paddock-offline, loopback included"* ]]
	[[ "$output" == *"add WFP filter paddock-offline-permit-proxy {1d15dc88-be9c-4c52-bee6-a7e88951cd33} (persistent): permit TCP connections of paddock-offline to 127.0.0.1 ports 3128-3135"* ]]
	# The broad outbound block, then the WFP sublayer, its blocks and the
	# permit that narrows them, then the inbound rule, then the secrets.
	at() { grep -n -- "$1" <<<"$output" | head -n 1 | cut -d: -f1; }
	out=$(at 'block-outbound')
	sub=$(at 'WFP sublayer')
	b4=$(at 'WFP filter paddock-offline-block-v4')
	b6=$(at 'WFP filter paddock-offline-block-v6')
	permit=$(at 'WFP filter paddock-offline-permit-proxy')
	in=$(at 'block-inbound')
	secret=$(at '\.secret')
	[ $((out + 1)) -eq "$sub" ] && [ "$sub" -lt "$b4" ] &&
		[ "$b4" -lt "$b6" ] && [ "$b6" -lt "$permit" ] &&
		[ "$permit" -lt "$in" ] && [ "$in" -lt "$secret" ]
	[ ! -e "$WINEPREFIX/drive_c/ProgramData/paddock" ]
}

@test "uninstall --dry-run lists the removals in reverse, the group last" {
	run pd_lines uninstall --dry-run
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "paddock uninstall --dry-run: "* ]]
	# No group here (Wine creates none): the entries that would name it
	# cannot be found, and uninstall skips them, so its dry run does.
	[[ "${lines[1]}" == "  delete the setup marker C:\\ProgramData\\paddock\\setup-marker" ]]
	[[ "$output" != *"remove the entries for paddock-sandbox"* ]]
	[[ "${lines[-1]}" == "  delete local group paddock-sandbox" ]]
	[[ "$output" == *"delete firewall rule paddock-offline-block-outbound"* ]]
	[[ "$output" == *"delete local user paddock-offline"* ]]
	[[ "$output" == *"delete the profile of paddock-online"* ]]
	[[ "$output" == *"delete the setup marker C:\\ProgramData\\paddock\\setup-marker"* ]]
	[[ "$output" == *"delete directory C:\\ProgramData\\paddock"* ]]
	# The permit goes first, then the blocks, then their sublayer, then
	# the outbound rule: the offline user stays blocked throughout.
	at() { grep -n -- "$1" <<<"$output" | head -n 1 | cut -d: -f1; }
	permit=$(at 'delete WFP filter paddock-offline-permit-proxy {1d15dc88-')
	b6=$(at 'delete WFP filter paddock-offline-block-v6 {c4915ccb-')
	b4=$(at 'delete WFP filter paddock-offline-block-v4 {59bb3338-')
	sub=$(at 'delete WFP sublayer paddock-offline-connect {9014d008-')
	out=$(at 'delete firewall rule paddock-offline-block-outbound')
	[ "$permit" -lt "$b6" ] && [ "$b6" -lt "$b4" ] && [ "$b4" -lt "$sub" ] &&
		[ "$sub" -lt "$out" ]
}

@test "setup and uninstall take only --dry-run" {
	run pd setup --force
	[ "$status" -eq 125 ]
	[[ "$output" == *"unknown option '--force'"* ]]
}

# Wine reports the Unix user as the owner of every file and directory
# (it keeps no security descriptor on disk), so under Wine even the
# directory setup creates, with the owner Administrators, reads back as
# the user's, and is refused like a squatter's. Wine thus proves the
# refusals, never the acceptance (enforce.ps1 -Setup does that).
setup_dir_unix() {
	echo "$WINEPREFIX/drive_c/ProgramData/paddock"
}

@test "a real setup under Wine fails at the users, says so, and leaves no marker" {
	run pd setup
	echo "$output"
	[ "$status" -eq 125 ]
	[[ "$output" == *"E_USER: NetLocalGroupAdd reported success, but the group does not exist: paddock-sandbox (native error 1332"* ]]
	[[ "$output" == *"setup failed with E_USER (exit status 4 of paddock-setup.exe)"* ]]
	[ ! -e "$(setup_dir_unix)/setup-marker" ]
	# The directory made for the report reads back as the user's here:
	# the report is not written into it, nor read from it.
	[ -d "$(setup_dir_unix)" ]
	[ ! -e "$(setup_dir_unix)/setup-error" ]
	run pd check
	echo "$output"
	[[ "$output" == *"elevated mode (sandbox users, firewall): not usable: the setup directory %ProgramData%\\paddock is owned by neither Administrators nor SYSTEM"* ]]
	[[ "$output" != *"last setup failed"* ]]
	# No marker: never set up, so the unelevated mode, not a refusal.
	[[ "$output" == *"paddock run: cannot build a write-restricted token here"* ]]
	[[ "$output" != *"paddock run: refuses"* ]]
	# Uninstall removes the empty directory (never what is in one that
	# is not paddock's), but cannot tell whether WFP filters are left
	# (Wine has no filter engine), and says so rather than report a
	# clean removal.
	run pd uninstall
	echo "$output"
	[ "$status" -eq 125 ]
	[[ "$output" == *"E_UNINSTALL: cannot open the Base Filtering Engine"*": FwpmEngineOpen0 (native error 1764"* ]]
	[[ "$output" == *"uninstall failed with E_UNINSTALL"* ]]
	[ ! -e "$(setup_dir_unix)" ]
}

@test "a setup directory someone else made is refused: its marker untrusted, setup stopped before any change" {
	sid=$(wine_sid)
	dir=$(setup_dir_unix)
	mkdir -p "$dir"
	printf 'paddock-setup-marker 3\nowner %s\nprofile C:\\users\\%s\ngroup S-1-5-21-1-2-3-1010\noffline paddock-offline S-1-5-21-1-2-3-1011\nonline paddock-online S-1-5-21-1-2-3-1012\nrules out,in\nfilters block-v4,block-v6,permit-proxy\nread-grants done\n' "$sid" "$(id -un)" >"$dir/setup-marker"
	echo planted >"$dir/planted"
	run pd check
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"not usable: the setup directory %ProgramData%\\paddock is owned by neither Administrators nor SYSTEM, so whoever made it can still change its DACL: delete it"* ]]
	[[ "$output" == *"paddock run: refuses, except with --windows-mode=unelevated"* ]]
	# run refuses in auto rather than fall back to the unelevated mode
	# (whose network block is advisory); asked for by name, or with full
	# access, the unelevated mode runs.
	run pd run -- cmd /c "echo ran> ran.txt"
	echo "$output"
	[ "$status" -eq 125 ]
	[[ "$output" == *"is owned by neither Administrators nor SYSTEM"* ]]
	[ ! -e ran.txt ]
	run pd run --windows-mode=unelevated -- cmd /c "echo ran> ran.txt"
	[ "$status" -eq 125 ] # Wine's token, refused later on the path
	[[ "$output" != *"Administrators"* ]]
	run pd run -s full-access -- cmd /c "echo ran> ran.txt"
	[ "$status" -eq 0 ]
	[ -e ran.txt ]
	# Setup, and its dry run, stop at the directory, before the first
	# change (no group attempted), and leave what is in it alone.
	run pd setup
	echo "$output"
	[ "$status" -eq 125 ]
	[[ "$output" == *"paddock-setup: E_SETUP_DIR: the setup directory %ProgramData%\\paddock is owned by neither"* ]]
	[[ "$output" == *"hint: someone else's %ProgramData%\\paddock"*"delete it"* ]]
	[[ "$output" != *"E_USER"* ]]
	run pd setup --dry-run
	[ "$status" -eq 125 ]
	[[ "$output" == *"E_SETUP_DIR"* ]]
	[[ "$output" != *"create local group"* ]]
	# Uninstall touches nothing inside it either.
	run pd uninstall
	[ "$status" -eq 125 ]
	[ -e "$dir/setup-marker" ] && [ -e "$dir/planted" ]
	[ ! -e "$dir/setup-error" ]
	# Without a marker it was never set up: the unelevated mode, with
	# the reason.
	rm "$dir/setup-marker"
	run pd check
	echo "$output"
	[[ "$output" == *"not usable: the setup directory %ProgramData%\\paddock is owned by neither"* ]]
	[[ "$output" != *"paddock run: refuses"* ]]
	rm -rf "$dir"
}

@test "paddock-setup.exe refuses malformed arguments, changing nothing" {
	sid=$(wine_sid)
	[ -n "$sid" ]
	profile="C:\\users\\$(id -un)"
	run setup_exe
	[ "$status" -eq 1 ]
	[[ "$output" == *"E_ARGS: usage: paddock-setup.exe --args HEX"* ]]
	run setup_exe --args 5044534101
	[ "$status" -eq 1 ]
	[[ "$output" == *"malformed arguments refused"* ]]
	run setup_exe --args "$(args_hex 2 1 1 "$sid" "$profile")"
	[ "$status" -eq 1 ]
	[[ "$output" == *"of another version"* ]]
	run setup_exe --args "$(args_hex 1 1 1 "$sid" 'users\me')"
	[ "$status" -eq 1 ]
	[[ "$output" == *"malformed arguments refused"* ]]
	run setup_exe --args "$(args_hex 1 9 1 "$sid" "$profile")"
	[ "$status" -eq 1 ]
	# A writable root never crosses UAC, however harmless.
	run setup_exe --args "$(args_hex 1 1 1 "$sid" "$profile" 'D:\src')"
	[ "$status" -eq 1 ]
	[[ "$output" == *"malformed arguments refused"* ]]
	# Well-formed, but the SID is another account's: neither this
	# process's user nor the session's.
	run setup_exe --args "$(args_hex 1 1 1 'S-1-5-21-1-2-3-1001' "$profile")"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"the SID sent is neither the elevated user's nor that of the user logged on to this session"* ]]
	# Well-formed, but the profile is not the one the system records.
	run setup_exe --args "$(args_hex 1 1 1 "$sid" 'C:\users\Public')"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"not the one the system records"* ]]
	# And the same record with the right profile is accepted.
	run setup_exe --args "$(args_hex 1 1 1 "$sid" "$profile")"
	[ "$status" -eq 0 ]
	[ ! -e "$WINEPREFIX/drive_c/ProgramData/paddock" ]
}

@test "the background read grants without a setup marker change nothing, not even the directory" {
	sid=$(wine_sid)
	profile="C:\\users\\$(id -un)"
	# What uninstall leaves: no marker. The helper stops at once, and
	# never makes the directory again for a report.
	run setup_exe --args "$(args_hex 1 3 0 "$sid" "$profile")"
	echo "$output"
	[ "$status" -eq 0 ]
	[ ! -e "$(setup_dir_unix)" ]
}

@test "DPAPI: a secret written by setup's code decrypts (machine scope)" {
	mkdir -p "$WINEPREFIX/drive_c/dpapi"
	run probe dpapi 'C:\dpapi'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"dpapi-round-trip: ok"* ]]
	# Encrypted on disk: the password is not in the file.
	! grep -q 'Probe-password' "$WINEPREFIX/drive_c/dpapi/probe.secret"
	run probe password
	[ "$status" -eq 0 ]
	[[ "$output" == *"password-length: 32"* ]]
}

@test "grants: setup's handle-based grant and removal run, and a vanished target is skipped" {
	mkdir -p "$WINEPREFIX/drive_c/granted"
	run probe grant 'C:\granted' S-1-5-21-1-2-3-1010
	echo "$output"
	[ "$status" -eq 0 ]
	# Opened as itself, DACL read by handle, WRITE_DAC added with
	# ReOpenFile and written with SetSecurityInfo. (Wine keeps no DACL
	# on disk, so the removal finds nothing to remove, and no junction
	# can be made here: both are enforce.ps1's.)
	[ "$(tr -d '\r' <<<"${lines[0]}")" = "grant-add: ok" ]
	[[ "$output" == *"grant-remove: ok"* ]]
	[[ "$output" == *"grant-add-missing: ok (nothing written)"* ]]
	[[ "$output" == *"grant-remove-missing: ok (nothing written)"* ]]
}

@test "accounts: looked up as this machine's, and only of the kind asked for" {
	run probe account "$(id -un)"
	echo "$output"
	[ "$status" -eq 0 ]
	# The Wine user is a user of this machine, and not a group.
	[[ "$output" == *"account-user: $(wine_sid)"* ]]
	[[ "$output" == *"account-alias: not found"* ]]
	# "Administrators" unqualified is BUILTIN's group (S-1-5-32-544);
	# qualified with the computer's name, no account of this machine.
	run probe account Administrators
	echo "$output"
	[[ "$output" == *"account-user: not found"* ]]
	[[ "$output" == *"account-alias: not found"* ]]
	[[ "$output" != *"S-1-5-32-544"* ]]
}

@test "the background helper's command line carries a non-ASCII install path" {
	# Built through the C locale (asprintf "%ls"), this path made the
	# conversion fail, and the read grants never started.
	run probe helper-line
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"helper-line: ok"* ]]
}

@test "firewall: Wine lacks INetFwRule3 and the policy state, and setup's code says so" {
	run probe firewall "$(wine_sid)"
	echo "$output"
	[ "$status" -eq 1 ]
	# E_NOTIMPL from get_LocalPolicyModifyState, E_NOINTERFACE for the
	# rule object: reported as failures, never taken for a block.
	[[ "$output" == *"firewall-policy: E_FIREWALL native 0x80004001"* ]]
	[[ "$output" == *"firewall-add: E_FIREWALL native 0x80004002"* ]]
	[[ "$output" != *"firewall-rule-present: yes"* ]]
}

@test "WFP: Wine has no filter engine, and setup's code says so at every step" {
	run probe wfp "$(wine_sid)"
	echo "$output"
	[ "$status" -eq 1 ]
	# FwpmEngineOpen0 answers RPC_S_CANNOT_SUPPORT (1764): every add,
	# the check and every removal report it; none passes for done, and
	# the process is not aborted by an unimplemented entry point.
	for step in add-sublayer add-block-v4 add-block-v6 add-permit-proxy check; do
		[[ "$output" == *"wfp-$step: E_WFP native 0x000006e4: cannot open the Base Filtering Engine"*"FwpmEngineOpen0"* ]]
	done
	for step in remove-permit-proxy remove-block-v6 remove-block-v4 remove-sublayer; do
		[[ "$output" == *"wfp-$step: E_UNINSTALL native 0x000006e4"* ]]
	done
	[[ "$output" != *": ok"* ]]
	[[ "$output" != *"present: yes"* ]]
}

@test "the proxy's Winsock side: CONNECT, absolute-form HTTP and SOCKS5 on loopback, refusals reported" {
	# The same program runs natively as unit/proxy_server.
	run "$WINE" "$(dirname "$PADDOCK_EXE")/test_proxy_server.exe"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"ok: 0 failure(s)"* ]]
}

@test "paddock.exe's proxy: the reserved port range, a refusal answered and reported" {
	run "$WINE" "$(dirname "$PADDOCK_EXE")/proxyw-probe.exe" 'Z:'"$ws/report.jsonl"
	echo "$output"
	[ "$status" -eq 0 ]
	# 3128 and 3129 unless another run on this machine holds them
	[[ "$output" == *"ports: 31"[23][0-9]" 31"[23][0-9]* ]]
	[[ "$output" != *"FAIL"* ]]
	[[ "$output" == *"reply: HTTP/1.1 403 Forbidden"* ]]
	grep -q '"protocol":"connect","host":"other.test","port":443,"reason":"not-allowed"' "$ws/report.jsonl"
}

@test "proxy mode needs the elevated mode: refused without it, and with it forced but not set up" {
	run pd run -v --network proxy --allow-domain example.com -- cmd /c "echo ran"
	echo "$output"
	[ "$status" -eq 125 ]
	[[ "$output" == *"proxy mode needs the elevated mode"* ]]
	[[ "$output" != *ran* ]]
	run pd run --windows-mode=elevated --network proxy --allow-domain example.com -- cmd /c "echo ran"
	echo "$output"
	[ "$status" -eq 125 ]
	[[ "$output" == *"paddock setup"* ]]
	[[ "$output" != *ran* ]]
	# The rules are checked first, on every platform.
	run pd run --network proxy --allow-domain 'a.*.com' -- cmd /c "echo ran"
	[ "$status" -eq 125 ]
	[[ "$output" == *"--allow-domain"* ]]
}

# --- paddock-runner.exe, driven through its pipe protocol ---------------
#
# Wine does not implement CreateProcessWithLogonW usefully, so
# runner_client.exe (tests/windows/runner_client.c) plays paddock.exe's
# part with the same channel code and starts the runner as the caller.
# The runner's restricted token is refused under Wine (it keeps every
# privilege), so these runs ask for no restricted token, which
# paddock.exe asks only for --sandbox full-access; one test proves the
# refusal.

rc() {
	local dir
	dir=$(dirname "$PADDOCK_EXE")
	"$WINE" "$dir/runner_client.exe" "$dir/paddock-runner.exe" "$@"
}

CMD='C:\windows\system32\cmd.exe'

@test "runner: a command's stdout, stderr and exit code come back as frames" {
	run --separate-stderr rc -- "$CMD" /c "echo to-out& echo to-err 1>&2& exit 7"
	[ "$status" -eq 7 ]
	[[ "$output" == *"to-out"* ]]
	[[ "$output" != *"to-err"* ]]
	[[ "$stderr" == *"to-err"* ]]
	run rc -- "$CMD" /c "exit 0"
	[ "$status" -eq 0 ]
}

@test "runner: stdin frames reach the command, and stdin EOF ends its input" {
	run bash -c "printf 'from-stdin\n' | \"$WINE\" \"$(dirname "$PADDOCK_EXE")/runner_client.exe\" \"$(dirname "$PADDOCK_EXE")/paddock-runner.exe\" --stdin -- '$CMD' /v:on /c \"set /p x=& echo got !x!\""
	[ "$status" -eq 0 ]
	[[ "$output" == *"got from-stdin"* ]]
	# Without --stdin the command reads NUL: set /p finds nothing.
	run rc -- "$CMD" /v:on /c "set x=unset& set /p x=& echo got [!x!]"
	[[ "$output" == *"got [unset]"* ]]
}

# More stdin than the window (frame.h) holds, read by the command: every
# 1000th line is a marker, so a chunk lost, doubled or reordered changes
# the 300 lines find prints.
@test "runner: stdin beyond the window reaches the command whole and in order" {
	local dir
	dir=$(dirname "$PADDOCK_EXE")
	seq 1 300000 | sed 's/^\(.*\)000$/MARK-\1/' >"$BATS_TEST_TMPDIR/in.txt"
	[ "$(wc -c <"$BATS_TEST_TMPDIR/in.txt")" -gt 1000000 ]
	# A window never given back would stall, not fail: bounded.
	run bash -c "timeout 60 \"$WINE\" \"$dir/runner_client.exe\" \"$dir/paddock-runner.exe\" --stdin -- 'C:\\windows\\system32\\find.exe' MARK <\"$BATS_TEST_TMPDIR/in.txt\" | tr -d '\\r'; exit \${PIPESTATUS[0]}"
	[ "$status" -eq 0 ]
	[ "$output" = "$(grep MARK "$BATS_TEST_TMPDIR/in.txt")" ]
}

# The hang this guards against: a command that never reads its stdin
# filled its pipe, the runner stopped reading frames while it wrote to
# it, the pipe to the runner filled, and the terminate frame queued
# behind the data until the command ended by itself (70 s here). 1 is
# the code the runner's terminate gives the tree; a runner killed from
# outside would be a 125.
@test "runner: a terminate frame ends the tree even while stdin waits unread" {
	local dir
	dir=$(dirname "$PADDOCK_EXE")
	start=$SECONDS
	run bash -c "head -c 8000000 /dev/zero | timeout 120 \"$WINE\" \"$dir/runner_client.exe\" \"$dir/paddock-runner.exe\" --stdin --terminate 1000 -- '$CMD' /c 'ping -n 71 127.0.0.1 >nul'"
	[ "$status" -eq 1 ]
	[ $((SECONDS - start)) -lt 20 ]
	# A bracket, so that the grep of no_survivor does not find itself.
	no_survivor 7[1]
}

# The command ends while the client's stdin stays open and silent: the
# stdin thread sits in ReadFile. Stopping it must be bounded (the cancel
# is repeated until the thread ends, at most 2 s) and must not free what
# the thread still uses. Wine does not cancel a read of a Unix pipe, so
# here the bound is what ends it ("did not stop", the state left to the
# thread); on Windows the cancel does.
@test "runner: a command that ends before its stdin does is not held by the stdin thread" {
	local dir
	dir=$(dirname "$PADDOCK_EXE")
	start=$SECONDS
	# A process substitution, not a pipeline, which bash would wait for.
	run bash -c "timeout 50 \"$WINE\" \"$dir/runner_client.exe\" \"$dir/paddock-runner.exe\" --stdin -- '$CMD' /c 'exit 5' < <(exec sleep 60 2>/dev/null 3>&-)"
	[ "$status" -eq 5 ]
	[ $((SECONDS - start)) -lt 15 ]
}

@test "runner: the request's timeout ends the tree and reports it (124)" {
	start=$SECONDS
	run rc --timeout 1000 -- "$CMD" /c "ping -n 63 127.0.0.1 >nul"
	[ "$status" -eq 124 ]
	[ $((SECONDS - start)) -lt 20 ]
}

# No process of the tree may survive: the runner's job object kills it.
# wineserver ends killed processes asynchronously; wait up to 10 s.
no_survivor() {
	local i
	for i in $(seq 50); do
		ps -eo stat=,args= | grep -v '^Z' | grep -q "ping.* -n $1 " ||
			return 0
		sleep 0.2
	done
	ps -eo stat=,args= | grep "ping.* -n $1 " >&2
	return 1
}

@test "runner: the timeout kills the command's whole tree through the job" {
	run rc --timeout 1500 -- "$CMD" /c "start /b ping -n 66 127.0.0.1 >nul & ping -n 67 127.0.0.1 >nul"
	[ "$status" -eq 124 ]
	no_survivor 6[67]
}

@test "runner: when its parent goes away, the runner ends the tree" {
	rc -- "$CMD" /c "start /b ping -n 68 127.0.0.1 >nul & ping -n 69 127.0.0.1 >nul" &
	local client=$!
	local i
	for i in $(seq 50); do
		ps -eo args= | grep -q "ping.* -n 69 " && break
		sleep 0.2
	done
	ps -eo args= | grep -q "ping.* -n 69 "
	# The client is the runner's parent: its end breaks the pipes.
	pkill -KILL -f "runner_client.exe.*-n 68" || kill -KILL "$client"
	wait "$client" || true
	no_survivor 6[89]
}

@test "runner: started by hand, without paddock's pipes, it refuses (125)" {
	local dir
	dir=$(dirname "$PADDOCK_EXE")
	run "$WINE" "$dir/paddock-runner.exe"
	[ "$status" -eq 125 ]
	[[ "$output" == *"started by paddock.exe"* ]]
	run "$WINE" "$dir/paddock-runner.exe" '\\.\pipe\other-in' '\\.\pipe\other-out'
	[ "$status" -eq 125 ]
}

@test "runner: a terminate frame ends the tree before it finishes" {
	start=$SECONDS
	run rc --terminate 500 -- "$CMD" /c "ping -n 64 127.0.0.1 >nul& exit 3"
	[ "$status" -ne 3 ]
	[ "$status" -ne 124 ]
	[ $((SECONDS - start)) -lt 20 ]
}

# paddock.exe's end after Ctrl-C (win_relay_end_runner(), shared with
# runner_client.exe): against a stand-in runner that reports READY and
# then never reads, the stdin thread fills the pipe and blocks in a send
# holding the channel's write lock. The terminate frame must not wait for
# that lock (it waited forever before): 2 s later the runner is ended.
@test "runner: after Ctrl-C, a runner whose pipe is full is ended within 2 s" {
	local dir
	dir=$(dirname "$PADDOCK_EXE")
	start=$SECONDS
	run bash -c "head -c 8000000 /dev/zero | timeout 60 \"$WINE\" \"$dir/runner_client.exe\" \"$dir/paddock-runner.exe\" --stalled-runner --stdin --terminate 1000 -- '$CMD' /c 'exit 0'"
	[ "$status" -eq 125 ]
	[[ "$output" == *"terminate frame could not be sent within 2 s; ended the runner"* ]]
	[[ "$output" == *"ended without reporting"* ]]
	[ $((SECONDS - start)) -lt 15 ]
}

@test "runner: after Ctrl-C, a runner that takes the frame but does not end is ended" {
	start=$SECONDS
	run timeout 60 "$WINE" "$(dirname "$PADDOCK_EXE")/runner_client.exe" "$(dirname "$PADDOCK_EXE")/paddock-runner.exe" --stalled-runner --terminate 1000 -- "$CMD" /c "exit 0"
	[ "$status" -eq 125 ]
	[[ "$output" == *"did not end within 2 s of the terminate frame; ended it"* ]]
	[ $((SECONDS - start)) -lt 15 ]
}

@test "runner: a frame of an unknown version is refused and ends the command" {
	start=$SECONDS
	run rc --bad-frame --stdin -- "$CMD" /c "ping -n 65 127.0.0.1 >nul" </dev/null
	[ "$status" -eq 125 ]
	[[ "$output" == *"runner error: stage 1,"* ]]
	[ $((SECONDS - start)) -lt 20 ]
}

@test "runner: the restricted token that keeps its privileges is refused, nothing runs" {
	run rc --restricted -- "$CMD" /c "echo ran> ran.txt"
	[ "$status" -eq 125 ]
	[[ "$output" == *"stage 2,"* ]]
	[[ "$output" == *"kept a privilege"* ]]
	[ ! -e ran.txt ]
}

@test "runner: a window station and desktop of the launch's own" {
	run rc --desktop -- "$CMD" /c "echo on-its-desktop"
	[ "$status" -eq 0 ]
	[[ "$output" == *"on-its-desktop"* ]]
	# Not WinSta0, not its default desktop. Wine enforces no DACL, so
	# the probe can still open WinSta0 here; enforce.ps1 checks that a
	# command of the elevated mode cannot, on real Windows.
	probe="Z:$(printf '%s' "$(dirname "$PADDOCK_EXE")/desktop-probe.exe" | tr '/' '\\')"
	run rc --desktop -- "$probe"
	echo "$output"
	[[ "$output" == *"station="* ]]
	[[ "$output" != *"station=WinSta0"* ]]
	[[ "$output" == *" desktop=paddock-"* ]]
	# Without the flag the command stays on the runner's own desktop.
	run rc -- "$probe"
	[[ "$output" == *"station=WinSta0 desktop=Default"* ]]
}

@test "runner: a client of the pipes that is not the runner is refused" {
	run rc --impostor -- "$CMD" /c "echo ran> ran.txt"
	[ "$status" -eq 125 ]
	[[ "$output" == *"other than the runner"* ]]
	[ ! -e ran.txt ]
}

@test "runner: not found (127) and not executable (126) keep their codes" {
	run -127 rc -- 'C:\windows\system32\no-such-program.exe'
	[ "$status" -eq 127 ]
	echo "not a program" >notexe.exe
	run rc -- "Z:${PWD//\//\\}\\notexe.exe"
	[ "$status" -eq 126 ]
}

# --- choosing the mode ------------------------------------------------------

@test "--windows-mode=elevated without setup fails closed: 125, the reason and a hint, nothing run" {
	run pd run --windows-mode=elevated -- cmd /c "echo ran> ran.txt"
	echo "$output"
	[ "$status" -eq 125 ]
	[[ "$output" == *"not set up"* ]]
	[[ "$output" == *"hint: run paddock setup"* ]]
	[ ! -e ran.txt ]
	# full access is never given to a sandbox user
	run pd run --windows-mode=elevated -s full-access -- cmd /c "echo ran> ran.txt"
	[ "$status" -eq 125 ]
	[[ "$output" == *"full access"* ]]
	[ ! -e ran.txt ]
}

@test "without setup, auto picks the unelevated mode and says why at -v" {
	run pd run -v -s full-access -- cmd /c "echo ran> ran.txt"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"unelevated mode: "* ]]
	[ -e ran.txt ]
	run pd run -v --windows-mode=unelevated -s full-access -- cmd /c exit 3
	[ "$status" -eq 3 ]
	[[ "$output" == *"unelevated mode: --windows-mode=unelevated"* ]]
	run pd run -v --windows-mode=sideways -- cmd /c exit 0
	[ "$status" -eq 125 ]
	[[ "$output" == *"auto, elevated or unelevated"* ]]
}
