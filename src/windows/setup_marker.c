/* SPDX-License-Identifier: MIT */
/*
 * The setup marker and the error report, both small text files in the
 * setup directory (%ProgramData%\paddock).
 *
 * TRUST BOUNDARY. The marker is written by the elevated setup into a
 * directory only SYSTEM and Administrators may change, and read by the
 * unelevated paddock.exe. Its parser still trusts nothing: the file is
 * bounded (WIN_SETUP_MARKER_MAX), every line is "key value" with a known
 * key given exactly once, the SIDs must parse as account SIDs, the profile
 * must be a canonical absolute path and the names must be paddock's own. And a parsed marker only says what setup
 * claims to have made: win_setup_marker_trust() believes it only when the
 * system shows every one of those things (a marker left behind after a
 * firewall rule was deleted, or after a failed setup, is stale).
 *
 *   paddock-setup-marker 3
 *   owner S-1-5-21-...          the real user setup was made for
 *   profile C:\Users\me         his profile, canonical (the read grants')
 *   group S-1-5-21-...          paddock-sandbox's SID
 *   offline paddock-offline S-1-5-21-...
 *   online paddock-online S-1-5-21-...
 *   rules out,in                the offline user's firewall rules
 *   filters block-v4,block-v6,permit-proxy
 *                               its WFP filters (setup_wfp_spec.c), in
 *                               that order; both blocks are required
 *   read-grants done            or "pending"
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "windows/setup.h"

static const char header[] = "paddock-setup-marker";

/* The blocks are what the filters promise: a marker without both is
 * not a complete setup. */
static bool blocks_claimed(const bool *filter)
{
	return filter[WIN_SETUP_FILTER_BLOCK_V4] &&
	       filter[WIN_SETUP_FILTER_BLOCK_V6];
}

/* A canonical absolute path that is not a volume root, within bounds. */
static bool profile_ok(const char *path)
{
	char *canon;
	bool ok;

	if (strnlen(path, WIN_SETUP_PATH_MAX) >= WIN_SETUP_PATH_MAX ||
	    win_path_canonical(path, NULL, &canon) < 0)
		return false;
	ok = strcmp(canon, path) == 0 && !win_path_is_volume_root(canon);
	free(canon);
	return ok;
}

/* "block-v4,block-v6[,permit-proxy]" */
static void format_filters(const bool *filter, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int f = 0; f < WIN_SETUP_FILTER_COUNT; f++)
		if (filter[f])
			n += (size_t)snprintf(buf + n, size - n, "%s%s",
					      n ? "," : "",
					      win_setup_filters[f].tag);
}

int win_setup_marker_format(const struct win_setup_marker *m, char *buf,
			    size_t size)
{
	char filters[128];
	int n;

	if (!win_setup_sid_is_account(m->owner_sid) ||
	    !profile_ok(m->profile) ||
	    !win_setup_sid_is_account(m->group_sid) ||
	    !win_setup_sid_is_account(m->user_sid[0]) ||
	    !win_setup_sid_is_account(m->user_sid[1]) || !m->rule_out ||
	    !blocks_claimed(m->filter))
		return -EINVAL;
	format_filters(m->filter, filters, sizeof(filters));
	n = snprintf(
		buf, size,
		"%s %u\nowner %s\nprofile %s\ngroup %s\noffline %s %s\nonline %s %s\nrules %s\nfilters %s\nread-grants %s\n",
		header, m->version, m->owner_sid, m->profile, m->group_sid,
		m->user[0], m->user_sid[0], m->user[1], m->user_sid[1],
		m->rule_in ? "out,in" : "out", filters,
		m->read_grants_done ? "done" : "pending");
	if (n < 0)
		return -EINVAL;
	return (size_t)n >= size ? -ENOSPC : n;
}

enum {
	SEEN_OWNER = 1,
	SEEN_GROUP = 2,
	SEEN_OFFLINE = 4,
	SEEN_ONLINE = 8,
	SEEN_RULES = 16,
	SEEN_GRANTS = 32,
	SEEN_FILTERS = 64,
	SEEN_PROFILE = 128,
	SEEN_ALL = 255
};

static int copy_sid(const char *value, char *out)
{
	if (!win_setup_sid_is_account(value))
		return -EINVAL;
	strcpy(out, value); /* bounded: it parsed */
	return 0;
}

/* "NAME SID", NAME being the account's expected name. */
static int parse_user(const char *value, const char *expected,
		      struct win_setup_marker *m, int a)
{
	size_t n = strlen(expected);

	if (strncmp(value, expected, n) != 0 || value[n] != ' ')
		return -EINVAL;
	strcpy(m->user[a], expected);
	return copy_sid(value + n + 1, m->user_sid[a]);
}

/* The filters' tags, comma-separated, each known, in the order of
 * win_setup_filters (so each at most once), both blocks among them. */
static int parse_filters(const char *value, bool *filter)
{
	int next = 0;

	while (*value) {
		size_t len = strcspn(value, ",");
		int f;

		for (f = next; f < WIN_SETUP_FILTER_COUNT; f++)
			if (strlen(win_setup_filters[f].tag) == len &&
			    strncmp(value, win_setup_filters[f].tag, len) == 0)
				break;
		if (f == WIN_SETUP_FILTER_COUNT)
			return -EINVAL;
		filter[f] = true;
		next = f + 1;
		value += len;
		if (*value == ',' && *++value == '\0')
			return -EINVAL;
	}
	return blocks_claimed(filter) ? 0 : -EINVAL;
}

static int parse_line(char *line, struct win_setup_marker *m, unsigned *seen)
{
	char *value = strchr(line, ' ');
	unsigned bit;
	int r = -EINVAL;

	if (!value)
		return -EINVAL;
	*value++ = '\0';
	if (strcmp(line, "owner") == 0) {
		bit = SEEN_OWNER;
		r = copy_sid(value, m->owner_sid);
	} else if (strcmp(line, "profile") == 0) {
		bit = SEEN_PROFILE;
		if (profile_ok(value)) {
			strcpy(m->profile, value); /* bounded: checked */
			r = 0;
		}
	} else if (strcmp(line, "group") == 0) {
		bit = SEEN_GROUP;
		r = copy_sid(value, m->group_sid);
	} else if (strcmp(line, "offline") == 0) {
		bit = SEEN_OFFLINE;
		r = parse_user(value, WIN_SETUP_USER_OFFLINE, m, 0);
	} else if (strcmp(line, "online") == 0) {
		bit = SEEN_ONLINE;
		r = parse_user(value, WIN_SETUP_USER_ONLINE, m, 1);
	} else if (strcmp(line, "rules") == 0) {
		bit = SEEN_RULES;
		m->rule_out = true;
		m->rule_in = strcmp(value, "out,in") == 0;
		r = m->rule_in || strcmp(value, "out") == 0 ? 0 : -EINVAL;
	} else if (strcmp(line, "filters") == 0) {
		bit = SEEN_FILTERS;
		r = parse_filters(value, m->filter);
	} else if (strcmp(line, "read-grants") == 0) {
		bit = SEEN_GRANTS;
		m->read_grants_done = strcmp(value, "done") == 0;
		r = m->read_grants_done || strcmp(value, "pending") == 0
			    ? 0
			    : -EINVAL;
	} else {
		return -EINVAL;
	}
	if (r < 0 || (*seen & bit))
		return -EINVAL;
	*seen |= bit;
	return 0;
}

static int parse_header(const char *line, unsigned *ret_version)
{
	size_t n = sizeof(header) - 1;
	char *end;
	unsigned long v;

	if (strncmp(line, header, n) != 0 || line[n] != ' ' ||
	    line[n + 1] < '0' || line[n + 1] > '9')
		return -EINVAL;
	v = strtoul(line + n + 1, &end, 10);
	if (*end || v > 1000000)
		return -EINVAL;
	*ret_version = (unsigned)v;
	return v == WIN_SETUP_VERSION ? 0 : -EPROTO;
}

int win_setup_marker_parse(const char *text, size_t len,
			   struct win_setup_marker *ret, unsigned *ret_bad_line)
{
	struct win_setup_marker m = { 0 };
	unsigned seen = 0, line_no = 1;
	char *copy, *line, *next;
	int r;

	if (len == 0 || len > WIN_SETUP_MARKER_MAX || text[len - 1] != '\n' ||
	    memchr(text, '\0', len) || memchr(text, '\r', len))
		return -EINVAL;
	copy = malloc(len + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, text, len);
	copy[len] = '\0';
	next = strchr(copy, '\n');
	*next++ = '\0';
	r = parse_header(copy, &m.version);
	for (line = next; r == 0 && line < copy + len; line = next) {
		line_no++;
		next = strchr(line, '\n');
		*next++ = '\0';
		r = parse_line(line, &m, &seen);
	}
	if (r == 0 && seen != SEEN_ALL)
		r = -EINVAL;
	if (r == -EINVAL && ret_bad_line)
		*ret_bad_line = line_no;
	free(copy);
	if (r == 0)
		*ret = m;
	return r;
}

enum win_setup_distrust win_setup_marker_trust(const struct win_setup_marker *m,
					       const struct win_setup_seen *s)
{
	if (m->version != WIN_SETUP_VERSION)
		return WIN_SETUP_STALE_VERSION;
	if (!s->group)
		return WIN_SETUP_NO_GROUP;
	if (!s->user[0] || !s->user[1])
		return WIN_SETUP_NO_USER;
	if (!s->secret[0] || !s->secret[1])
		return WIN_SETUP_NO_SECRET;
	/* The outbound block is what the elevated mode promises; a marker
	 * that does not claim it is not a complete setup. */
	if (!m->rule_out || !s->rule_out || (m->rule_in && !s->rule_in))
		return WIN_SETUP_NO_RULE;
	/* The rules leave loopback open; the filters close it. Every filter
	 * the marker claims must read back, in paddock's sublayer. */
	if (!blocks_claimed(m->filter) || !s->sublayer)
		return WIN_SETUP_NO_FILTER;
	for (int f = 0; f < WIN_SETUP_FILTER_COUNT; f++)
		if (m->filter[f] && !s->filter[f])
			return WIN_SETUP_NO_FILTER;
	if (!s->rules_effective)
		return WIN_SETUP_RULES_OVERRIDDEN;
	return WIN_SETUP_TRUSTED;
}

const char *win_setup_distrust_text(enum win_setup_distrust d)
{
	switch (d) {
	case WIN_SETUP_TRUSTED:
		return "setup is present and complete";
	case WIN_SETUP_STALE_VERSION:
		return "the setup marker was written by another version of paddock";
	case WIN_SETUP_NO_GROUP:
		return "the setup marker names the group " WIN_SETUP_GROUP
		       ", which is missing or has another SID";
	case WIN_SETUP_NO_USER:
		return "the setup marker names a sandbox user that is missing or has another SID";
	case WIN_SETUP_NO_SECRET:
		return "a sandbox user's encrypted password is missing";
	case WIN_SETUP_NO_RULE:
		return "a firewall rule blocking the offline user is missing or was changed";
	case WIN_SETUP_NO_FILTER:
		return "a WFP filter of the offline user (the block of its connections, loopback included, or the permit of paddock's proxy ports) is missing or was changed";
	case WIN_SETUP_RULES_OVERRIDDEN:
		return "Group Policy makes local firewall rules ineffective on this machine";
	}
	return "unknown";
}

static const char *const code_names[WIN_SETUP_CODE_COUNT] = {
	[WIN_SETUP_OK] = "ok",
	[WIN_SETUP_E_ARGS] = "E_ARGS",
	[WIN_SETUP_E_NOT_ADMIN] = "E_NOT_ADMIN",
	[WIN_SETUP_E_CANCELLED] = "E_CANCELLED",
	[WIN_SETUP_E_USER] = "E_USER",
	[WIN_SETUP_E_SECRET] = "E_SECRET",
	[WIN_SETUP_E_FIREWALL] = "E_FIREWALL",
	[WIN_SETUP_E_FIREWALL_POLICY] = "E_FIREWALL_POLICY",
	[WIN_SETUP_E_ACL] = "E_ACL",
	[WIN_SETUP_E_MARKER] = "E_MARKER",
	[WIN_SETUP_E_UNINSTALL] = "E_UNINSTALL",
	[WIN_SETUP_E_WFP] = "E_WFP",
	[WIN_SETUP_E_SETUP_DIR] = "E_SETUP_DIR",
};

const char *win_setup_code_name(enum win_setup_code code)
{
	return (unsigned)code < WIN_SETUP_CODE_COUNT ? code_names[code]
						     : "E_UNKNOWN";
}

int win_setup_report_format(const struct win_setup_report *r, char *buf,
			    size_t size)
{
	int n;

	if ((unsigned)r->code >= WIN_SETUP_CODE_COUNT ||
	    strpbrk(r->operand, "\r\n") || strpbrk(r->message, "\r\n"))
		return -EINVAL;
	n = snprintf(buf, size, "code %s\nnative %lu\noperand %s\nmessage %s\n",
		     code_names[r->code], r->native, r->operand, r->message);
	if (n < 0)
		return -EINVAL;
	return (size_t)n >= size ? -ENOSPC : n;
}

/* The value of the line "key value" at *pos, copied into out. */
static int report_field(const char **pos, const char *end, const char *key,
			char *out, size_t size)
{
	size_t k = strlen(key), n;
	const char *nl;

	if ((size_t)(end - *pos) <= k || strncmp(*pos, key, k) != 0 ||
	    (*pos)[k] != ' ')
		return -EINVAL;
	*pos += k + 1;
	nl = memchr(*pos, '\n', (size_t)(end - *pos));
	if (!nl)
		return -EINVAL;
	n = (size_t)(nl - *pos);
	if (n >= size || memchr(*pos, '\0', n))
		return -EINVAL;
	memcpy(out, *pos, n);
	out[n] = '\0';
	*pos = nl + 1;
	return 0;
}

int win_setup_report_parse(const char *text, size_t len,
			   struct win_setup_report *ret)
{
	struct win_setup_report *r;
	const char *pos = text, *end = text + len;
	char code[32], native[24], *stop;
	int e;

	if (len > WIN_SETUP_REPORT_MAX)
		return -EINVAL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	e = report_field(&pos, end, "code", code, sizeof(code));
	if (e == 0)
		e = report_field(&pos, end, "native", native, sizeof(native));
	if (e == 0)
		e = report_field(&pos, end, "operand", r->operand,
				 sizeof(r->operand));
	if (e == 0)
		e = report_field(&pos, end, "message", r->message,
				 sizeof(r->message));
	if (e == 0 && pos != end)
		e = -EINVAL;
	if (e == 0) {
		r->native = strtoul(native, &stop, 10);
		e = native[0] >= '0' && native[0] <= '9' && !*stop ? -ENOENT
								   : -EINVAL;
		for (int c = 0; e == -ENOENT && c < WIN_SETUP_CODE_COUNT; c++)
			if (strcmp(code, code_names[c]) == 0) {
				r->code = (enum win_setup_code)c;
				e = 0;
			}
		if (e == -ENOENT)
			e = -EINVAL;
	}
	if (e == 0)
		*ret = *r;
	free(r);
	return e;
}
