/* SPDX-License-Identifier: MIT */
/*
 * The decision logic of the Windows backend: what the unelevated sandbox
 * will do, computed from strings and plain data. Nothing here calls Win32
 * or touches the file system, so it compiles with the host compiler and is
 * unit-tested on Linux; the Win32 layer feeds it what it read from the
 * system (final paths, the logon SID, random words) and carries out the
 * result. Every function returns 0 or a negative errno and prints nothing.
 *
 * The modules, one prefix each:
 *   win_sid_      SID strings (capability SIDs);
 *   win_cmdline_  building a command line that CommandLineToArgvW and the
 *                 MSVC runtime split back into the same argv, and the
 *                 cmd.exe line that runs a batch file;
 *   win_program_  finding a command's program through PATH and PATHEXT;
 *   win_path_     canonical Windows paths, "under a root", protected names;
 *   win_netenv_   the environment of a run with the network off;
 *   win_gitdir_   the git directories a ".git" pointer file names;
 *   win_acl_      the ACL entries a policy needs;
 *   win_token_    the restricted token, as one auditable table;
 *   win_exec_     whether a refused launch is the command's failure or
 *                 paddock's.
 */
#ifndef PADDOCK_WINDOWS_LOGIC_H
#define PADDOCK_WINDOWS_LOGIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* --- SIDs ------------------------------------------------------------ */

/* Windows allows at most 15 sub-authorities (SID_MAX_SUB_AUTHORITIES). */
#define WIN_SID_MAX_SUB 15
/* Identifier authorities are 48 bits; Windows writes those above 32 bits
 * in hexadecimal, which paddock never needs, so only the decimal range. */
#define WIN_SID_MAX_AUTH UINT32_MAX
/* "S-1-" + 10 digits + 15 * ("-" + 10 digits) + NUL, rounded up. */
#define WIN_SID_STRING_MAX 184

#define WIN_SID_NT_AUTHORITY 5 /* SECURITY_NT_AUTHORITY */
#define WIN_SID_NT_NON_UNIQUE 21 /* SECURITY_NT_NON_UNIQUE */
#define WIN_SID_EVERYONE "S-1-1-0" /* the World SID */

struct win_sid {
	uint64_t authority;
	uint8_t count; /* sub-authorities in use */
	uint32_t sub[WIN_SID_MAX_SUB];
};

/* The capability SID S-1-5-21-w0-w1-w2-w3 made of four random words, which
 * the Win32 layer draws from the system's random generator. */
void win_sid_capability(const uint32_t words[4], struct win_sid *ret);
/* Whether sid has the shape of a capability SID. */
bool win_sid_is_capability(const struct win_sid *sid);
bool win_sid_equal(const struct win_sid *a, const struct win_sid *b);
/* Write "S-1-..." into buf. -ENOSPC when size is too small, -EINVAL for a
 * SID out of range. */
int win_sid_format(const struct win_sid *sid, char *buf, size_t size);
/* Parse the exact form win_sid_format() writes; -EINVAL for anything else.
 * *ret is untouched on failure. */
int win_sid_parse(const char *s, struct win_sid *ret);

/*
 * The persisted store: "KEY<TAB>SID" lines. Find key's SID in text (len
 * bytes); -ENOENT when absent; -EINVAL when any line is malformed or holds
 * a SID that is not a capability SID (*ret_bad_line: which, from 1).
 */
int win_sid_store_lookup(const char *text, size_t len, const char *key,
			 struct win_sid *ret, unsigned *ret_bad_line);
/* Write the line for key and sid, newline included; its length, -EINVAL
 * for a key holding a tab or line break, or -ENOSPC. */
int win_sid_store_line(const char *key, const struct win_sid *sid, char *buf,
		       size_t size);

/* --- Command lines ---------------------------------------------------- */

/* The longest command line CreateProcessW takes, in UTF-16 units with the
 * terminating NUL. */
#define WIN_CMDLINE_MAX 32767

/*
 * Join argv into one UTF-8 command line that CommandLineToArgvW and the
 * MSVC runtime both split back into argv. argv[0] is the program, which
 * both parse without backslash escapes, so it must not contain '"'.
 * -EINVAL for an empty argv, a '"' in argv[0] or a string that is not
 * valid UTF-8; -E2BIG when the line would not fit WIN_CMDLINE_MAX;
 * -ENOMEM. The result is freed with free().
 */
int win_cmdline_quote(const char *const *argv, char **ret);

/*
 * The command line that runs the batch file script (a full path) with args
 * through cmd_exe (a full path): "cmd_exe" /d /v:off /s /c ""script" args",
 * each argument quoted when cmd would otherwise read a character of it as
 * syntax. -EINVAL when the script or an argument holds '"', '%' or a line
 * break, which cmd would expand or split even inside quotes, or is not
 * valid UTF-8; -E2BIG; -ENOMEM. The result is freed with free().
 */
int win_cmdline_batch(const char *cmd_exe, const char *script,
		      const char *const *args, char **ret);

/* --- Programs ----------------------------------------------------------- */

/*
 * The paths to try, in order, for the program name of a command: name as
 * it is when it has a directory part, else in each directory of path (a
 * PATH value, ';'-separated, entries may be quoted); in each place name
 * itself when it has an extension, then name with each extension of
 * pathext (a PATHEXT value; NULL or empty: ".COM;.EXE;.BAT;.CMD"). The
 * current directory is never searched (see program.c). A NULL-terminated
 * array freed with win_program_free(). -EINVAL for an empty name; -ENOENT
 * when there is nothing to try; -ENOMEM.
 */
int win_program_candidates(const char *name, const char *path,
			   const char *pathext, char ***ret);
void win_program_free(char **candidates);
/* Whether name has a directory part (a '\', '/' or ':'). */
bool win_program_has_dir(const char *name);
/* Whether path names a batch file (.bat or .cmd, any case). */
bool win_program_is_batch(const char *path);

/* --- Paths ------------------------------------------------------------- */

/* A bound on the UTF-8 length of a path: 32767 UTF-16 units of at most
 * three bytes each. */
#define WIN_PATH_MAX (32767 * 3)

/*
 * Canonicalise a Windows path given as a string: "C:\dir\file" with an
 * upper-case drive letter, or "\\server\share\dir" for UNC paths; "/" read
 * as "\"; "." and ".." collapsed; "\\?\C:\..." and "\\?\UNC\server\..."
 * brought to the same forms; separators repeated or trailing removed;
 * alternate data streams ("name:stream", "name::$DATA",
 * "dir::$INDEX_ALLOCATION") cut from every component, since a stream
 * shares its file's security descriptor and must obey the file's rule.
 * A relative path ("dir\file", "\dir", "C:dir") is taken from base, an
 * already canonical directory, which may be NULL when path is absolute.
 * Case is kept (see win_path_key()).
 *
 * This works on strings only: it cannot see junctions, symbolic links or
 * 8.3 short names ("GIT~1"). The Win32 layer opens each policy path once
 * and hands over the final path of the handle (GetFinalPathNameByHandleW),
 * in which links are resolved and short names expanded, and decides on
 * that; this function makes the forms comparable.
 *
 * -EINVAL for an empty or malformed path, characters Windows forbids in
 * names, device paths ("\\.\", "CON"), a relative path without a usable
 * base, a "C:dir" whose drive differs from base's; -ENAMETOOLONG; -ENOMEM.
 * The result is freed with free().
 */
int win_path_canonical(const char *path, const char *base, char **ret);

/* The comparison key of a canonical path: ASCII letters folded to lower
 * case. Non-ASCII letters are left as they are (see the shortcoming noted
 * at win_path_key() in path.c). Freed with free(). */
int win_path_key(const char *canonical, char **ret);

/* Whether canonical path lies at or below canonical root, compared
 * case-insensitively and component by component. */
bool win_path_is_under(const char *path, const char *root);
/* Whether a canonical path is the root of a volume: "C:\" or
 * "\\server\share". */
bool win_path_is_volume_root(const char *path);

/* Whether name is a protected name Windows can hold: one component, none
 * of the characters Windows forbids, no stream, no trailing dot or space
 * (Windows would strip them), not "." or "..", not a device name. */
bool win_path_name_is_valid(const char *name);

/* If canonical path lies inside root and its first component below root
 * is one of names (compared case-insensitively), return that name from
 * names; else NULL. root itself matches nothing. */
const char *win_path_protected_by(const char *path, const char *root,
				  const char *const *names);

/* --- Git pointer files ------------------------------------------------ */

/* The most paddock reads of a ".git" or "commondir" file: a path of
 * WIN_PATH_MAX bytes and its prefix. A longer file is refused. */
#define WIN_GITDIR_FILE_MAX (WIN_PATH_MAX + 64)

/*
 * The git directory a ".git" file names: its text (len bytes, parsed by
 * the core's gitfile_parse_pointer()) read from the directory dir
 * (canonical), the path taken from dir when relative, canonicalised with
 * win_path_canonical() ("/" read as "\"). -EINVAL for a file that is not
 * a pointer or a path Windows cannot name; -ENOMEM. Freed with free().
 * The Win32 layer then resolves the result to its final path.
 */
int win_gitdir_target(const char *text, size_t len, const char *dir,
		      char **ret);

/* The common directory a worktree's git directory gitdir (canonical)
 * names in its "commondir" file (usually "../.."), likewise. */
int win_gitdir_commondir(const char *text, size_t len, const char *gitdir,
			 char **ret);

/* --- Network-off environment ------------------------------------------ */

/* The discard port: connections there fail at once. */
#define WIN_NETENV_PROXY "http://127.0.0.1:9"

/*
 * The environment of a run with the network off: a copy of envp (a
 * NULL-terminated "NAME=value" array; names compared case-insensitively,
 * as Windows does, the first of duplicates kept) with the proxy variables
 * pointed at the discard port, git's proxy and ssh command failing, pip,
 * npm and cargo offline, stub_dir first on PATH and stub_ext (".CMD", the
 * stubs' extension) first in PATHEXT. The result is sorted by name, case
 * folded, as CreateProcessW wants the environment block; free it with
 * win_netenv_free(). -EINVAL for an entry without '=' or a malformed
 * GIT_CONFIG_COUNT; -ENOMEM.
 */
int win_netenv_offline(const char *const *envp, const char *stub_dir,
		       const char *stub_ext, char ***ret);
void win_netenv_free(char **env);

/* The environment of a run with the network on: envp unchanged but for
 * duplicates (the first kept) and sorted as above. Errors as above. */
int win_netenv_online(const char *const *envp, char ***ret);

/*
 * The environment of a run in proxy mode: envp with the variables that
 * point clients at paddock's proxy on 127.0.0.1:port (proxy_env(), one
 * spelling of each, since Windows names are case-insensitive) replacing
 * any of the caller's, a JAVA_TOOL_OPTIONS of the caller's kept after
 * paddock's options. Sorted and freed as above; errors as above.
 */
int win_netenv_proxy(const char *const *envp, uint16_t port, char ***ret);

/* The value of name in env, compared as Windows does, or NULL. */
const char *win_netenv_get(const char *const *env, const char *name);

/* --- ACL plan ------------------------------------------------------------ */

/*
 * Access mask and inheritance bits, in one place. The values are those of
 * winnt.h; acl.c checks them against it when built for Windows.
 */
#define WIN_ACL_READ_DATA 0x0001u /* FILE_READ_DATA, FILE_LIST_DIRECTORY */
#define WIN_ACL_WRITE_DATA 0x0002u /* FILE_WRITE_DATA, FILE_ADD_FILE */
#define WIN_ACL_APPEND_DATA 0x0004u /* also FILE_ADD_SUBDIRECTORY */
#define WIN_ACL_READ_EA 0x0008u
#define WIN_ACL_WRITE_EA 0x0010u
#define WIN_ACL_EXECUTE 0x0020u /* FILE_EXECUTE, FILE_TRAVERSE */
#define WIN_ACL_DELETE_CHILD 0x0040u
#define WIN_ACL_READ_ATTRIBUTES 0x0080u
#define WIN_ACL_WRITE_ATTRIBUTES 0x0100u
#define WIN_ACL_DELETE 0x00010000u
#define WIN_ACL_READ_CONTROL 0x00020000u
#define WIN_ACL_WRITE_DAC 0x00040000u
#define WIN_ACL_WRITE_OWNER 0x00080000u
#define WIN_ACL_SYNCHRONIZE 0x00100000u

/* FILE_GENERIC_READ, FILE_GENERIC_WRITE and FILE_GENERIC_EXECUTE. */
#define WIN_ACL_GENERIC_READ                                                  \
	(WIN_ACL_READ_CONTROL | WIN_ACL_READ_DATA | WIN_ACL_READ_ATTRIBUTES | \
	 WIN_ACL_READ_EA | WIN_ACL_SYNCHRONIZE)
#define WIN_ACL_GENERIC_WRITE                                              \
	(WIN_ACL_READ_CONTROL | WIN_ACL_WRITE_DATA | WIN_ACL_APPEND_DATA | \
	 WIN_ACL_WRITE_ATTRIBUTES | WIN_ACL_WRITE_EA | WIN_ACL_SYNCHRONIZE)
#define WIN_ACL_GENERIC_EXECUTE                                             \
	(WIN_ACL_READ_CONTROL | WIN_ACL_READ_ATTRIBUTES | WIN_ACL_EXECUTE | \
	 WIN_ACL_SYNCHRONIZE)

/* Every right that changes an object, its name or its security: what a
 * deny entry on a protected name takes away. */
#define WIN_ACL_ANY_WRITE                                                   \
	(WIN_ACL_WRITE_DATA | WIN_ACL_APPEND_DATA | WIN_ACL_WRITE_EA |      \
	 WIN_ACL_WRITE_ATTRIBUTES | WIN_ACL_DELETE | WIN_ACL_DELETE_CHILD | \
	 WIN_ACL_WRITE_DAC | WIN_ACL_WRITE_OWNER)

#define WIN_ACL_OBJECT_INHERIT 0x1u /* OBJECT_INHERIT_ACE */
#define WIN_ACL_CONTAINER_INHERIT 0x2u /* CONTAINER_INHERIT_ACE */
#define WIN_ACL_INHERIT_ONLY 0x8u /* INHERIT_ONLY_ACE */

/* The Win32 name of the null device, which tools open for writing. */
#define WIN_ACL_NUL_DEVICE "\\\\.\\NUL"

enum win_acl_kind {
	WIN_ACL_ALLOW,
	WIN_ACL_DENY,
};

/* A protected name as the Win32 layer found it at the top of a root. */
struct win_acl_name {
	const char *name;
	bool missing; /* does not exist: reserve it with a placeholder */
};

/* A writable root, canonical, with the capability SID that grants it. */
struct win_acl_root {
	const char *path;
	const char *capability_sid;
	const struct win_acl_name *names;
	size_t n_names;
};

struct win_acl_entry {
	char *path;
	const char *sid; /* points into the plan's input */
	enum win_acl_kind kind;
	uint32_t mask;
	uint32_t inherit;
	bool placeholder; /* create an empty directory at path first */
};

struct win_acl_plan {
	struct win_acl_entry *entries;
	size_t len;
};

/*
 * The plan for roots, plus git_dirs (canonical final paths, anywhere on
 * the machine): the git directories and common directories that ".git"
 * pointer files at the top of the roots name, denied like a protected
 * name. -EINVAL for a path that is not canonical, a name or SID that is
 * not valid, a writable root at or inside a protected name or a git
 * directory, a git directory that is a volume root; -E2BIG; -ENOMEM.
 */
int win_acl_plan_build(const struct win_acl_root *roots, size_t n_roots,
		       const char *const *git_dirs, size_t n_git_dirs,
		       struct win_acl_plan *ret);
void win_acl_plan_free(struct win_acl_plan *plan);

/*
 * The elevated mode's additions (docs/windows.md). There the command runs
 * as a sandbox user, whose own access is checked as well as the
 * restricting SIDs': each allow entry of plan for a capability SID on a
 * writable root gets a twin for group_sid (the sandbox group), the null
 * device excepted (Everyone may write it). The deny entries stay the
 * capability SIDs' alone: the restricted check already fails there, and a
 * deny for the group would outlast the run and refuse a later full-access
 * run. group_sid must outlive the plan. -EINVAL for a SID that does not
 * parse; -ENOMEM.
 */
int win_acl_plan_add_group(struct win_acl_plan *plan, const char *group_sid);

/*
 * Read and traverse for group_sid on the working directory cwd
 * (canonical) and every directory above it below the volume root:
 * PowerShell reads each component of its working directory, and a sandbox
 * user may not read the real user's profile until the background read
 * grants are done. cwd's entry is inherited by its tree (the command
 * reads its workspace), the others apply to the directory alone. -EINVAL
 * for a path that is not canonical or a SID that does not parse; -ENOMEM.
 */
int win_acl_plan_traverse(const char *cwd, const char *group_sid,
			  struct win_acl_plan *ret);

/*
 * Read and execute for group_sid on the executable file (canonical, final)
 * and traverse alone on every directory above it below the volume root:
 * what the sandbox user needs to be started from paddock-runner.exe
 * (CreateProcessWithLogonW opens the image as the target user) where it
 * lies in the real user's profile, before the background read grants
 * reach it. Nothing is inherited, and the directories are not made
 * listable: the grant opens the one file, not the tree it lies in.
 * -EINVAL for a path that is not canonical or is a volume root, or a SID
 * that does not parse; -ENOMEM.
 */
int win_acl_plan_executable(const char *file, const char *group_sid,
			    struct win_acl_plan *ret);

/* An entry of a DACL as the Win32 layer read it. */
struct win_acl_ace {
	enum win_acl_kind kind;
	const char *sid; /* "S-1-..." */
	uint32_t mask;
	uint32_t flags; /* the inheritance bits */
	bool inherited; /* INHERITED_ACE: from a parent, not the object's */
};

/* Whether the DACL already holds entry as an explicit entry of the same
 * kind, SID and inheritance whose mask covers the entry's: then it is not
 * written again. */
bool win_acl_entry_present(const struct win_acl_ace *aces, size_t n,
			   const struct win_acl_entry *entry);

/*
 * Whether the DACL lets a holder of one of sids (the restricting SIDs that
 * are not capability SIDs: Everyone, the logon SID) write into the
 * directory: an allow entry that applies to the object itself (not
 * inherit-only) with a right that adds, changes or removes an entry, and
 * no deny entry for that SID taking those rights back. What the sandbox
 * could write outside its writable roots through that SID.
 */
bool win_acl_writable_by(const struct win_acl_ace *aces, size_t n,
			 const char *const *sids);

/* --- Restricted token ---------------------------------------------------- */

/* CreateRestrictedToken's flags, with their winnt.h values. */
#define WIN_TOKEN_DISABLE_MAX_PRIVILEGE 0x1u
#define WIN_TOKEN_SANDBOX_INERT 0x2u
#define WIN_TOKEN_LUA_TOKEN 0x4u
#define WIN_TOKEN_WRITE_RESTRICTED 0x8u

/* Where a SID of the token comes from. */
enum win_token_sid_source {
	WIN_TOKEN_SID_CAPABILITIES, /* each capability SID of the run */
	WIN_TOKEN_SID_LOGON, /* the caller's logon-session SID */
	WIN_TOKEN_SID_EVERYONE, /* S-1-1-0 */
	WIN_TOKEN_SID_USER, /* the caller's user SID */
	WIN_TOKEN_SID_SYSTEM, /* S-1-5-18 */
	WIN_TOKEN_SID_LAUNCH, /* a random SID made for one launch */
};

struct win_token_spec {
	uint32_t flags; /* CreateRestrictedToken's */
	const enum win_token_sid_source *restricting;
	size_t n_restricting;
	/* Made deny-only (CreateRestrictedToken's SidsToDisable): they
	 * still match deny entries, never allow entries. */
	const enum win_token_sid_source *disabled;
	size_t n_disabled;
	/* Granted full access by the token's default DACL. */
	const enum win_token_sid_source *default_dacl;
	size_t n_default_dacl;
	/* What DISABLE_MAX_PRIVILEGE leaves. */
	const char *const *kept_privileges;
	size_t n_kept_privileges;
};

/* The token of the unelevated mode, built by paddock.exe from the user's. */
extern const struct win_token_spec win_token_unelevated;
/* The token of the elevated mode, built by paddock-runner.exe from the
 * sandbox user's (token.c says how and why they differ). */
extern const struct win_token_spec win_token_elevated;

/* The SIDs each source stands for in one launch. launch is needed only by
 * a spec that names WIN_TOKEN_SID_LAUNCH, user only by one whose default
 * DACL names WIN_TOKEN_SID_USER. */
struct win_token_sids {
	const char *const *caps;
	size_t n_caps;
	const char *logon; /* S-1-5-5-X-Y */
	const char *launch; /* capability-shaped, S-1-5-21- and four words */
	const char *user;
};

/*
 * The restricting SIDs of a run, in the order of the spec, capability SIDs
 * without duplicates. Each must parse (win_sid_parse); the capability and
 * launch SIDs must have the capability shape, the logon SID the logon
 * shape. ret[] holds pointers into in or to WIN_SID_EVERYONE. -EINVAL for
 * a bad or missing SID, no capability SID, or a spec that names the user
 * or SYSTEM (a restricting user SID would let every write of the user's
 * through); -ENOSPC when max is too small.
 */
int win_token_restricting_sids(const struct win_token_spec *spec,
			       const struct win_token_sids *in,
			       const char **ret, size_t max, size_t *ret_n);
/* The SIDs to make deny-only, likewise. */
int win_token_disabled_sids(const struct win_token_spec *spec,
			    const struct win_token_sids *in, const char **ret,
			    size_t max, size_t *ret_n);
/* The SIDs the default DACL grants, likewise (the user and SYSTEM
 * allowed). */
int win_token_default_dacl_sids(const struct win_token_spec *spec,
				const struct win_token_sids *in,
				const char **ret, size_t max, size_t *ret_n);

/* --- Launch failures ---------------------------------------------------- */

/* What an access check answered; UNKNOWN when it could not be made. */
enum win_exec_access {
	WIN_EXEC_UNKNOWN,
	WIN_EXEC_GRANTED,
	WIN_EXEC_DENIED,
};

/* The four checks made around CreateProcessAsUserW (see launch.c). */
struct win_exec_checks {
	enum win_exec_access program_user; /* the caller's own token */
	enum win_exec_access program_sandbox; /* the restricted token */
	enum win_exec_access cwd_user;
	enum win_exec_access cwd_sandbox;
};

enum win_exec_verdict {
	WIN_EXEC_OK, /* nothing denied, and the launch was not refused */
	WIN_EXEC_NOT_EXECUTABLE, /* the user cannot execute it: 126 */
	WIN_EXEC_SANDBOX_PROGRAM, /* only the sandbox cannot: 125 */
	WIN_EXEC_USER_CWD, /* the user cannot enter the directory: 125 */
	WIN_EXEC_SANDBOX_CWD, /* only the sandbox cannot enter it: 125 */
	WIN_EXEC_UNEXPLAINED, /* refused, and no check says why: 125 */
};

/* Classify: launch_denied tells that CreateProcess(AsUser)W failed with
 * ERROR_ACCESS_DENIED; false for the check made before the launch. */
enum win_exec_verdict win_exec_classify(const struct win_exec_checks *c,
					bool launch_denied);

#endif
