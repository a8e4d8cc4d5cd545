/* SPDX-License-Identifier: MIT */
/*
 * The elevated mode's setup, as decisions on plain data (issue 5, part 1).
 * Nothing here calls Win32, so it builds into paddock_windows_logic and is
 * unit-tested on Linux; setupw.c and friends read the system, hand it to
 * these functions and carry out what they return.
 *
 *   win_setup_args_    what paddock.exe sends paddock-setup.exe across the
 *                      UAC boundary: a versioned, bounded binary record,
 *                      hex-encoded into one command-line argument;
 *   win_setup_plan_    the ordered changes of a setup or an uninstall, and
 *                      the line --dry-run prints for each;
 *   win_setup_marker_  the record of what a setup made, and whether it can
 *                      be trusted given what the system shows;
 *   win_setup_report_  the structured error a failed setup leaves for
 *                      `paddock check`;
 *   win_setup_filter   the Windows Filtering Platform filters of the
 *                      offline user (setup_wfp_spec.c says why they exist
 *                      beside the firewall rules);
 *   win_setup_dir_, win_setup_grant_verdict
 *                      whether the setup directory, and each object a
 *                      grant is written to, may be used as found
 *                      (setup_trust.c).
 *
 * Every function returns 0 or a negative errno and prints nothing.
 */
#ifndef PADDOCK_WINDOWS_SETUP_H
#define PADDOCK_WINDOWS_SETUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "windows/logic.h"

/* The names paddock gives what it creates. Group and user names are at
 * most 20 characters (the SAM's limit for user names). */
#define WIN_SETUP_GROUP "paddock-sandbox"
#define WIN_SETUP_USER_OFFLINE "paddock-offline"
#define WIN_SETUP_USER_ONLINE "paddock-online"
/* The built-in Users group, by its well-known SID, never by its name,
 * which Windows localises ("Benutzer", "Utilisateurs"). */
#define WIN_SETUP_USERS_SID "S-1-5-32-545"
#define WIN_SETUP_RULE_OUT "paddock-offline-block-outbound"
#define WIN_SETUP_RULE_IN "paddock-offline-block-inbound"

/*
 * The loopback ports of paddock's proxy on Windows (issue 7). Setup
 * permits the offline user to reach 127.0.0.1 on these TCP ports and
 * nothing else; paddock.exe's proxy binds the first free one, so eight
 * proxied runs can share the machine and a port in use never asks for
 * setup (and UAC) again. 3128 is the Linux proxy's port inside its
 * private namespace.
 */
#define WIN_PROXY_PORT_FIRST 3128
#define WIN_PROXY_PORT_LAST 3135

/* The version of the setup paddock performs and of its marker: a marker
 * of another version is stale and setup must run again. 2: the WFP
 * filters. 3: the owner's profile in the marker. */
#define WIN_SETUP_VERSION 3
/* Passwords: at least 24 characters (the brief's floor), drawn from
 * WIN_SETUP_PASSWORD_ALPHABET. */
#define WIN_SETUP_PASSWORD_LEN 32

/* A bound on every path setup handles, in UTF-8 bytes. Setup works on the
 * user's profile and the system's trees, never on deep paths. */
#define WIN_SETUP_PATH_MAX 1024
#define WIN_SETUP_MAX_ROOTS 16
#define WIN_SETUP_MAX_CHILDREN 512
/* The system trees: Windows, Program Files, Program Files (x86),
 * ProgramData. */
#define WIN_SETUP_MAX_TREES 4

/* --- arguments across the UAC boundary ------------------------------- */

#define WIN_SETUP_ARGS_VERSION 1
/* The longest encoded record, before hex: far below the 32767 characters
 * of a command line once doubled. */
#define WIN_SETUP_ARGS_MAX 8192

enum win_setup_action {
	WIN_SETUP_INSTALL = 1, /* the whole setup */
	WIN_SETUP_UNINSTALL = 2, /* remove everything setup made */
	WIN_SETUP_READ_GRANTS = 3, /* the background read grants */
};

struct win_setup_args {
	enum win_setup_action action;
	bool dry_run;
	/* The real (unelevated) user's SID: S-1-5-21-a-b-c-rid. */
	char user_sid[WIN_SID_STRING_MAX];
	/* The real user's profile as paddock.exe sees it, canonical. The
	 * elevated side compares it with the profile the system records
	 * for user_sid and refuses a mismatch. */
	char profile[WIN_SETUP_PATH_MAX];
	/* Extra writable roots: the record has room for them, but the
	 * decoder and the encoder refuse any (setup_args.c says why), so
	 * n_roots is always 0. */
	char roots[WIN_SETUP_MAX_ROOTS][WIN_SETUP_PATH_MAX];
	size_t n_roots;
};

/* Hex-encode args into buf (NUL-terminated). -EINVAL for args the decoder
 * would refuse; -ENOSPC when size is too small (2 * WIN_SETUP_ARGS_MAX + 1
 * always suffices). */
int win_setup_args_encode(const struct win_setup_args *args, char *buf,
			  size_t size);
/* Decode and validate text (len bytes, not necessarily NUL-terminated).
 * -EPROTO for another version; -EINVAL for anything malformed. *ret is
 * untouched on failure. */
int win_setup_args_decode(const char *text, size_t len,
			  struct win_setup_args *ret);
/* Whether sid is the SID of an account in a domain or on this machine
 * (S-1-5-21-a-b-c-rid), the only kind of user setup is made for. */
bool win_setup_sid_is_account(const char *sid);

/* --- the WFP filters (setup_wfp_spec.c) ------------------------------- */

/* A GUID as plain data, laid out as Windows' GUID. */
struct win_setup_guid {
	uint32_t data1;
	uint16_t data2, data3;
	uint8_t data4[8];
};

#define WIN_SETUP_SUBLAYER "paddock-offline-connect"
/* Sublayers are evaluated from the highest weight down; see
 * setup_wfp_spec.c for why paddock's is the highest. */
#define WIN_SETUP_SUBLAYER_WEIGHT 0xffff

enum win_setup_filter {
	WIN_SETUP_FILTER_BLOCK_V4, /* every IPv4 connection, loopback too */
	WIN_SETUP_FILTER_BLOCK_V6, /* every IPv6 connection, loopback too */
	WIN_SETUP_FILTER_PERMIT_PROXY, /* TCP to 127.0.0.1, the proxy ports */
	WIN_SETUP_FILTER_COUNT,
};

/* One filter at an ALE connect layer, matching the offline user's
 * processes (FWPM_CONDITION_ALE_USER_ID) and, for the permit, the
 * remote address, protocol and port range. */
struct win_setup_filter_spec {
	const char *name; /* the dry run's and the change's target */
	const char *tag; /* the marker's word for it */
	struct win_setup_guid key;
	bool ipv6; /* FWPM_LAYER_ALE_AUTH_CONNECT_V6, else _V4 */
	bool permit; /* FWP_ACTION_PERMIT, else FWP_ACTION_BLOCK */
	uint64_t weight; /* within paddock's sublayer */
	uint32_t remote_v4; /* host order; 0: any address */
	uint8_t protocol; /* 6: TCP; 0: any */
	uint16_t port_first, port_last; /* 0, 0: any port */
};

extern const struct win_setup_guid win_setup_sublayer_key;
extern const struct win_setup_filter_spec
	win_setup_filters[WIN_SETUP_FILTER_COUNT];

/* The filter whose name is name, or -1. */
int win_setup_filter_find(const char *name);
/* "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}" (39 bytes with the NUL);
 * -ENOSPC. */
int win_setup_guid_format(const struct win_setup_guid *g, char *buf,
			  size_t size);

/* --- the plan -------------------------------------------------------- */

enum win_setup_kind {
	WIN_SETUP_GROUP_KIND, /* the local group */
	WIN_SETUP_USER_KIND, /* a local user, with a random password */
	WIN_SETUP_MEMBER_KIND, /* a user in a group */
	WIN_SETUP_HIDDEN_KIND, /* a user hidden from the logon screen */
	WIN_SETUP_PROFILE_KIND, /* a user's profile, initialised */
	WIN_SETUP_DIR_KIND, /* the setup directory, its DACL denying the group */
	WIN_SETUP_RULE_KIND, /* a firewall rule for the offline user */
	WIN_SETUP_SUBLAYER_KIND, /* paddock's WFP sublayer */
	WIN_SETUP_FILTER_KIND, /* a WFP filter of the offline user */
	WIN_SETUP_SECRET_KIND, /* a new password, DPAPI-encrypted on disk */
	WIN_SETUP_WRITE_GRANT_KIND, /* write entries for the group */
	WIN_SETUP_READ_GRANT_KIND, /* read and execute for the group */
	WIN_SETUP_MARKER_KIND, /* the setup marker */
	WIN_SETUP_KIND_COUNT,
};

enum win_setup_op {
	WIN_SETUP_ADD,
	WIN_SETUP_REMOVE,
};

enum win_setup_account {
	WIN_SETUP_OFFLINE,
	WIN_SETUP_ONLINE,
	WIN_SETUP_NO_ACCOUNT,
};

struct win_setup_change {
	enum win_setup_kind kind;
	enum win_setup_op op;
	/* The user or group name, the rule's, sublayer's or filter's name,
	 * or the path. */
	char target[WIN_SETUP_PATH_MAX];
	/* The group of a membership ("S-1-5-32-545" for Users); the rule's
	 * direction ("out", "in"); the WFP object's key ("{...}"). */
	char subject[WIN_SID_STRING_MAX];
	enum win_setup_account account;
	/* Grants: inherited by everything below the path; else the object
	 * alone. */
	bool inherit;
	/* Runs in the background helper (the read grants). */
	bool background;
};

struct win_setup_plan {
	struct win_setup_change *changes;
	size_t len;
};

/*
 * What the plan is made for. A child of the profile is named as it is
 * found at the top of the profile; files and directories alike.
 */
struct win_setup_input {
	const char *setup_dir; /* canonical: %ProgramData%\paddock */
	const char *profile; /* the real user's, canonical */
	const char *const *profile_children; /* names at its top */
	size_t n_profile_children;
	const char *const *system_trees; /* Windows, Program Files, ... */
	size_t n_system_trees;
	/* Extra writable roots. paddock-setup.exe passes none (no root
	 * crosses UAC, setup_args.c); the plan keeps the kind so that a
	 * caller on the elevated side could. */
	const char *const *roots;
	size_t n_roots;
};

/* What is already there: setup skips it, but for the secrets (passwords
 * are reset on every full setup) and the marker (always rewritten). */
struct win_setup_present {
	bool group;
	bool user[2];
	bool member[2][2]; /* [account][0: the group, 1: Users] */
	bool hidden[2];
	bool profile[2];
	bool dir;
	bool rule_out, rule_in;
	bool sublayer; /* paddock's WFP sublayer, as setup adds it */
	bool filter[WIN_SETUP_FILTER_COUNT]; /* each read back as added */
	/* system_trees[i] is readable by Users already
	 * (win_setup_tree_readable()): its read grant is not needed. */
	bool tree_readable[WIN_SETUP_MAX_TREES];
};

/*
 * The setup plan, in the order it must run: the group, the users and what
 * makes them usable, the setup directory, the firewall rules and WFP
 * filters (the broad outbound rule; the WFP sublayer, its two block
 * filters, then the narrower permit; the narrower inbound rule last)
 * before any secret
 * exists (a user whose rule failed has no stored password, so paddock
 * cannot run as it), the secrets, the write grants, the marker, and last
 * the read grants, flagged background. The profile itself gets a read
 * entry for its own object only; its children get inheritable ones,
 * except ".ssh" (OpenSSH refuses keys whose DACL grants anyone else, and
 * an inherited entry counts) and the registry hives "ntuser*" (open while
 * the user is logged on). A system tree Users can read already gets no
 * grant. -EINVAL for a path that is not canonical, a child name that is
 * not one component, or more than WIN_SETUP_MAX_TREES trees; -ENOMEM.
 * Free with win_setup_plan_free().
 */
int win_setup_plan_install(const struct win_setup_input *in,
			   const struct win_setup_present *present,
			   struct win_setup_plan *ret);
/* The uninstall plan: the full setup plan (nothing present) reversed, each
 * change turned into its removal, so that every change is undone after
 * what depends on it. */
int win_setup_plan_uninstall(const struct win_setup_input *in,
			     struct win_setup_plan *ret);
void win_setup_plan_free(struct win_setup_plan *plan);

/* What an uninstall knows as it runs its plan. */
struct win_setup_undo {
	bool no_group; /* the group is gone: no entry can name it any more */
	bool dir_foreign; /* the setup directory is not paddock's */
	bool grant_failed; /* a removal of the group's entries failed */
};

/*
 * Whether uninstall leaves c undone, given u. Without the group, its
 * entries cannot be found (they name its SID), so the grants are skipped.
 * When a removal of its entries failed, the group is kept: deleted, it
 * would leave entries for a dead SID that no later uninstall could find,
 * while kept, a retried uninstall finds them by its SID. Nothing inside a
 * setup directory that is not paddock's is deleted (through a junction
 * it would be someone else's file).
 */
bool win_setup_undo_skips(const struct win_setup_change *c,
			  const struct win_setup_undo *u);
/* Whether a profile child gets a read grant (".ssh" and "ntuser*" never). */
bool win_setup_child_granted(const char *name);

/* The line --dry-run prints for c, without a newline; -ENOSPC. */
int win_setup_describe(const struct win_setup_change *c, char *buf,
		       size_t size);

/* --- passwords and system trees --------------------------------------- */

/* The characters of a password: letters, digits and punctuation that
 * neither cmd, PowerShell nor a URL reads specially. */
#define WIN_SETUP_PASSWORD_ALPHABET \
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.+=#"

/*
 * A password of WIN_SETUP_PASSWORD_LEN characters from random bytes
 * (n of them; 4 * WIN_SETUP_PASSWORD_LEN is plenty): bytes that would
 * bias the choice are skipped. out holds WIN_SETUP_PASSWORD_LEN + 1.
 * -EAGAIN when the bytes ran out or the password lacks an upper-case
 * letter, a lower-case one, a digit or a symbol (which a password policy
 * may require): draw new bytes and call again.
 */
int win_setup_password(const uint8_t *random, size_t n, char *out);

/*
 * Whether a system tree's DACL (its explicit and inherited entries)
 * already lets the built-in Users group, Authenticated Users or Everyone
 * read and execute it and everything inside, with no deny entry for them:
 * then the sandbox users, members of Users, need no grant there, and none
 * is written (the Windows and Program Files trees belong to
 * TrustedInstaller, whose DACLs an administrator may not change anyway).
 */
bool win_setup_tree_readable(const struct win_acl_ace *aces, size_t n);

/* --- the marker -------------------------------------------------------- */

#define WIN_SETUP_MARKER_MAX 4096

struct win_setup_marker {
	unsigned version;
	char owner_sid[WIN_SID_STRING_MAX]; /* who ran setup */
	/* The owner's profile, canonical: what the background read grants
	 * cover. */
	char profile[WIN_SETUP_PATH_MAX];
	char group_sid[WIN_SID_STRING_MAX];
	char user[2][64];
	char user_sid[2][WIN_SID_STRING_MAX];
	bool rule_out, rule_in;
	bool filter[WIN_SETUP_FILTER_COUNT]; /* the WFP filters made */
	bool read_grants_done;
};

/* Write the marker's text; its length, or -ENOSPC, -EINVAL. */
int win_setup_marker_format(const struct win_setup_marker *m, char *buf,
			    size_t size);
/* Parse a marker: every line "key value", each key once, no unknown key.
 * -EPROTO for a marker of another version, -EINVAL for anything else
 * (*ret_bad_line: which, from 1); *ret untouched on failure. */
int win_setup_marker_parse(const char *text, size_t len,
			   struct win_setup_marker *ret,
			   unsigned *ret_bad_line);

/* What the Win32 layer found of what the marker claims. */
struct win_setup_seen {
	bool group; /* exists, with the marker's SID */
	bool user[2]; /* exist, with the marker's SIDs */
	bool secret[2]; /* the encrypted files exist */
	bool rule_out, rule_in; /* exist and read back as written */
	bool rules_effective; /* no Group Policy overrides local rules */
	bool sublayer; /* paddock's WFP sublayer reads back as added */
	bool filter[WIN_SETUP_FILTER_COUNT]; /* each read back as added */
};

/* Why a marker is not trusted. */
enum win_setup_distrust {
	WIN_SETUP_TRUSTED,
	WIN_SETUP_STALE_VERSION,
	WIN_SETUP_NO_GROUP,
	WIN_SETUP_NO_USER,
	WIN_SETUP_NO_SECRET,
	WIN_SETUP_NO_RULE,
	WIN_SETUP_NO_FILTER,
	WIN_SETUP_RULES_OVERRIDDEN,
};

/* Trusted only when everything the marker claims is present. */
enum win_setup_distrust win_setup_marker_trust(const struct win_setup_marker *m,
					       const struct win_setup_seen *s);
/* A sentence for a verdict, naming what is missing. */
const char *win_setup_distrust_text(enum win_setup_distrust d);

/* --- the error report ------------------------------------------------- */

/* Stable codes: scripts and `paddock check` match on the names. */
enum win_setup_code {
	WIN_SETUP_OK,
	WIN_SETUP_E_ARGS, /* the arguments were refused */
	WIN_SETUP_E_NOT_ADMIN, /* not elevated */
	WIN_SETUP_E_CANCELLED, /* the UAC prompt was declined */
	WIN_SETUP_E_USER, /* group, user, membership, hiding, profile */
	WIN_SETUP_E_SECRET, /* random generator, DPAPI, the secret files */
	WIN_SETUP_E_FIREWALL, /* the firewall rules */
	WIN_SETUP_E_FIREWALL_POLICY, /* Group Policy overrides local rules */
	WIN_SETUP_E_ACL, /* write or read grants */
	WIN_SETUP_E_MARKER, /* the setup directory or the marker */
	WIN_SETUP_E_UNINSTALL, /* a removal failed */
	WIN_SETUP_E_WFP, /* the WFP sublayer or filters */
	WIN_SETUP_E_SETUP_DIR, /* the setup directory is not paddock's */
	WIN_SETUP_CODE_COUNT,
};

const char *win_setup_code_name(enum win_setup_code code);

struct win_setup_report {
	enum win_setup_code code;
	unsigned long native; /* GetLastError(), an HRESULT, a NET_API_STATUS */
	char operand[WIN_SETUP_PATH_MAX];
	char message[512];
};

#define WIN_SETUP_REPORT_MAX 2048

/* "code NAME\nnative N\noperand ...\nmessage ...\n"; length or -ENOSPC;
 * -EINVAL for a line break in a field. */
int win_setup_report_format(const struct win_setup_report *r, char *buf,
			    size_t size);
int win_setup_report_parse(const char *text, size_t len,
			   struct win_setup_report *ret);

/* --- what setup may trust as it finds it (setup_trust.c) --------------- */

/* File attributes as the pure logic reads them (Windows's own values). */
#define WIN_FILE_ATTRIBUTE_DIRECTORY 0x10u
#define WIN_FILE_ATTRIBUTE_REPARSE_POINT 0x400u
#define WIN_SID_ADMINISTRATORS "S-1-5-32-544"
#define WIN_SID_SYSTEM "S-1-5-18"

/* What an object found on disk is, for setup's purposes. */
enum win_setup_object {
	WIN_SETUP_OBJECT_OK,
	WIN_SETUP_OBJECT_REPARSE_POINT, /* a junction, symbolic link, ... */
	WIN_SETUP_OBJECT_NOT_DIRECTORY,
	WIN_SETUP_OBJECT_FOREIGN_OWNER, /* neither Administrators nor SYSTEM */
};

/*
 * The setup directory as opened (never followed): its attributes and
 * reparse tag (FileAttributeTagInfo) and its owner's SID. It is paddock's
 * only when it is a directory, no reparse point, and owned by
 * Administrators or SYSTEM: a standard user may create a folder in
 * ProgramData and owns it, and an owner may always change the DACL.
 */
enum win_setup_object win_setup_dir_verdict(uint32_t attributes,
					    uint32_t reparse_tag,
					    const char *owner_sid);
/* An object a grant is written to or removed from: anything but a reparse
 * point, whose target setup never chose. */
enum win_setup_object win_setup_grant_verdict(uint32_t attributes,
					      uint32_t reparse_tag);
/* A sentence about the setup directory for a verdict other than OK, with
 * what to do about it: static text. */
const char *win_setup_dir_text(enum win_setup_object verdict);

/*
 * Whether the user SID the caller sent may be set up: it must be the SID
 * of the elevated token's own user (the usual UAC prompt, where the real
 * user elevates himself) or of the user of the interactive session the
 * helper runs in (over-the-shoulder elevation, where an administrator
 * types his password for a standard user). Any other account's SID is
 * refused: setup would grant the sandbox users read access to that
 * account's profile. token_user and session_user may be empty or NULL.
 */
bool win_setup_caller_allowed(const char *sent, const char *token_user,
			      const char *session_user);
/* Whether the background helper's arguments name the owner and profile
 * of the marker the foreground setup wrote (the profile compared as
 * Windows compares paths). */
bool win_setup_helper_matches(const struct win_setup_marker *m,
			      const struct win_setup_args *a);
/*
 * The profile whose read grants an uninstall removes: the marker's owner's
 * when the marker (NULL: none, or unreadable) names a profile the system
 * still records for that owner (owner_system_profile, NULL when it records
 * none), else the caller's. An administrator uninstalling what another
 * user set up then removes that user's grants, not look for them in his
 * own profile; a marker the system does not bear out is not followed.
 */
const char *win_setup_uninstall_profile(const struct win_setup_marker *m,
					const char *owner_system_profile,
					const char *caller_profile);

#endif
