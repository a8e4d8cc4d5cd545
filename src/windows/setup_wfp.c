/* SPDX-License-Identifier: MIT */
/*
 * The offline user's WFP sublayer and filters (setup_wfp_spec.c says what
 * they are and why), through the Base Filtering Engine's management API
 * (fwpuclnt.dll).
 *
 * Adding. The sublayer is added alone and read back; each filter is then
 * added in a transaction of its own: the old filter of the same key
 * deleted, the new one added, read back by key and compared with what
 * was written, and the transaction committed only when they agree. A
 * filter the engine changed, or a call that reported success without
 * storing anything, is a failure (E_WFP), never a success.
 *
 * The sublayer first, always. A filter cannot exist without its
 * sublayer (FwpmFilterAdd0 refuses an unknown one, and a sublayer that
 * holds filters cannot be deleted), so every operation here reads the
 * sublayer before it touches a filter: when it is absent there is no
 * paddock filter to check or delete.
 *
 * Under Wine 8 FwpmEngineOpen0 is a stub answering RPC_S_CANNOT_SUPPORT
 * (1764), so every operation here fails there at its first call, with a
 * report; and its FwpmTransaction*, FwpmFilterGetByKey0 and the
 * deletions are unimplemented entries that would abort the process if
 * called (tests/windows/setupw_probe.c, smoke.bats).
 *
 * Who may read them. The engine grants everyone FWPM_ACTRL_OPEN only;
 * reading an object needs FWPM_ACTRL_READ, which by default only
 * administrators and some services hold. paddock.exe, unelevated, reads
 * the filters before it trusts the setup marker, so each object is
 * added with a security descriptor that also grants Authenticated Users
 * generic read. What they can read (the offline user's SID, the proxy's
 * ports) is no secret.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "windows/setupw.h"

#include <fwpmu.h>
#include <sddl.h>

/*
 * Absent from mingw-w64's headers; the values are the Windows SDK's
 * (fwpmu.h, fwpmtypes.h).
 */
#define SUBLAYER_FLAG_PERSISTENT 0x00000001
#define FILTER_FLAG_PERSISTENT 0x00000001
static const GUID layer_connect_v4 = { 0xc38d57d1,
				       0x05a7,
				       0x4c33,
				       { 0x90, 0x4f, 0x7f, 0xbc, 0xee, 0xe6,
					 0x0e, 0x82 } };
static const GUID layer_connect_v6 = { 0x4a72393b,
				       0x319f,
				       0x44bc,
				       { 0x84, 0xc3, 0xba, 0x54, 0xdc, 0xb3,
					 0xb6, 0xb4 } };
static const GUID condition_user = { 0xaf043a0a,
				     0xb34d,
				     0x4f86,
				     { 0x97, 0x9c, 0xc9, 0x03, 0x71, 0xaf, 0x6e,
				       0x66 } };
static const GUID condition_remote_address = { 0xb235ae9a,
					       0x1d64,
					       0x49b8,
					       { 0xa4, 0x4c, 0x5f, 0xf3, 0xd9,
						 0x09, 0x50, 0x45 } };
static const GUID condition_protocol = { 0x3971ef2b,
					 0x623e,
					 0x4f9a,
					 { 0x8c, 0xb1, 0x6e, 0x79, 0xb8, 0x06,
					   0xb9, 0xa7 } };
static const GUID condition_remote_port = { 0xc35a604d,
					    0xd22b,
					    0x4e1a,
					    { 0x91, 0xb4, 0x68, 0xf6, 0x74,
					      0xee, 0x67, 0x4b } };

_Static_assert(sizeof(struct win_setup_guid) == sizeof(GUID),
	       "struct win_setup_guid is laid out as GUID");

/* SYSTEM and Administrators keep full control; everyone who logs on may
 * read (see above). */
#define OBJECT_SDDL L"D:(A;;GA;;;SY)(A;;GA;;;BA)(A;;GR;;;AU)"

static GUID guid_of(const struct win_setup_guid *g)
{
	GUID out;

	memcpy(&out, g, sizeof(out));
	return out;
}

static int fail(struct win_setup_report *r, DWORD native, const char *what,
		const char *message)
{
	return win_setupw_fail(r, WIN_SETUP_E_WFP, native, what, message);
}

static int engine_open(HANDLE *ret, struct win_setup_report *r)
{
	DWORD e = FwpmEngineOpen0(NULL, RPC_C_AUTHN_WINNT, NULL, NULL, ret);

	if (e != ERROR_SUCCESS)
		return fail(
			r, e, "FwpmEngineOpen0",
			"cannot open the Base Filtering Engine (is the BFE service running?)");
	return 0;
}

/* A self-relative security descriptor from SDDL; LocalFree it. */
static int sd_from(const wchar_t *sddl, PSECURITY_DESCRIPTOR *ret,
		   ULONG *ret_len, struct win_setup_report *r)
{
	if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(
		    sddl, SDDL_REVISION_1, ret, ret_len))
		return fail(r, GetLastError(), NULL,
			    "cannot build a security descriptor");
	return 0;
}

/* Whether the sublayer is there (*ret_exists), and as add_sublayer()
 * makes it (*ret_ok). */
static DWORD sublayer_look(HANDLE h, bool *ret_exists, bool *ret_ok)
{
	GUID key = guid_of(&win_setup_sublayer_key);
	FWPM_SUBLAYER0 *back = NULL;
	DWORD e = FwpmSubLayerGetByKey0(h, &key, &back);

	*ret_exists = *ret_ok = false;
	if (e == (DWORD)FWP_E_SUBLAYER_NOT_FOUND)
		return ERROR_SUCCESS;
	if (e != ERROR_SUCCESS)
		return e;
	*ret_exists = back != NULL;
	*ret_ok = back && (back->flags & SUBLAYER_FLAG_PERSISTENT) &&
		  back->weight == WIN_SETUP_SUBLAYER_WEIGHT;
	if (back)
		FwpmFreeMemory0((void **)&back);
	return ERROR_SUCCESS;
}

static DWORD sublayer_read(HANDLE h, bool *ret_ok)
{
	bool exists;

	return sublayer_look(h, &exists, ret_ok);
}

static int add_sublayer(HANDLE h, struct win_setup_report *r)
{
	FWPM_SUBLAYER0 sl = { 0 };
	PSECURITY_DESCRIPTOR sd;
	ULONG sd_len;
	bool ok;
	DWORD e = sublayer_read(h, &ok);

	if (e == ERROR_SUCCESS && ok)
		return 0; /* setup again: it is there, as it should be */
	if (sd_from(OBJECT_SDDL, &sd, &sd_len, r) < 0)
		return -EIO;
	sl.subLayerKey = guid_of(&win_setup_sublayer_key);
	sl.displayData.name = (wchar_t *)L"" WIN_SETUP_SUBLAYER;
	sl.displayData.description =
		(wchar_t *)L"paddock: the connections of paddock-offline (paddock setup)";
	sl.flags = SUBLAYER_FLAG_PERSISTENT;
	sl.weight = WIN_SETUP_SUBLAYER_WEIGHT;
	if (e == ERROR_SUCCESS)
		e = FwpmSubLayerAdd0(h, &sl, sd);
	LocalFree(sd);
	if (e != ERROR_SUCCESS)
		return fail(r, e, WIN_SETUP_SUBLAYER,
			    "cannot add the WFP sublayer");
	e = sublayer_read(h, &ok);
	if (e != ERROR_SUCCESS)
		return fail(r, e, WIN_SETUP_SUBLAYER,
			    "cannot read the WFP sublayer back");
	if (!ok)
		return fail(
			r, (DWORD)FWP_E_SUBLAYER_NOT_FOUND, WIN_SETUP_SUBLAYER,
			"FwpmSubLayerAdd0 reported success, but the WFP sublayer does not read back as added");
	return 0;
}

/* The conditions of one filter, and the storage they point into. */
struct conditions {
	FWPM_FILTER_CONDITION0 c[4];
	UINT32 n;
	FWP_BYTE_BLOB user;
	FWP_RANGE0 ports;
};

static void build_conditions(const struct win_setup_filter_spec *s,
			     PSECURITY_DESCRIPTOR user_sd, ULONG user_len,
			     struct conditions *out)
{
	FWPM_FILTER_CONDITION0 *c = out->c;

	memset(out, 0, sizeof(*out));
	out->user.size = user_len;
	out->user.data = user_sd;
	c[0].fieldKey = condition_user;
	c[0].matchType = FWP_MATCH_EQUAL;
	c[0].conditionValue.type = FWP_SECURITY_DESCRIPTOR_TYPE;
	c[0].conditionValue.sd = &out->user;
	out->n = 1;
	if (s->remote_v4) {
		c[out->n].fieldKey = condition_remote_address;
		c[out->n].matchType = FWP_MATCH_EQUAL;
		c[out->n].conditionValue.type = FWP_UINT32;
		c[out->n++].conditionValue.uint32 = s->remote_v4;
	}
	if (s->protocol) {
		c[out->n].fieldKey = condition_protocol;
		c[out->n].matchType = FWP_MATCH_EQUAL;
		c[out->n].conditionValue.type = FWP_UINT8;
		c[out->n++].conditionValue.uint8 = s->protocol;
	}
	if (s->port_first) {
		out->ports.valueLow.type = FWP_UINT16;
		out->ports.valueLow.uint16 = s->port_first;
		out->ports.valueHigh.type = FWP_UINT16;
		out->ports.valueHigh.uint16 = s->port_last;
		c[out->n].fieldKey = condition_remote_port;
		c[out->n].matchType = FWP_MATCH_RANGE;
		c[out->n].conditionValue.type = FWP_RANGE_TYPE;
		c[out->n++].conditionValue.rangeValue = &out->ports;
	}
}

/* The user condition's descriptor in one canonical text, so that a
 * descriptor the engine stored in another byte layout still compares
 * equal to the one written. */
static bool same_sd(const FWP_BYTE_BLOB *a, const FWP_BYTE_BLOB *b)
{
	const SECURITY_INFORMATION info =
		OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION;
	wchar_t *ta = NULL, *tb = NULL;
	bool same;

	if (!a || !b || !a->data || !b->data)
		return false;
	same = ConvertSecurityDescriptorToStringSecurityDescriptorW(
		       a->data, SDDL_REVISION_1, info, &ta, NULL) &&
	       ConvertSecurityDescriptorToStringSecurityDescriptorW(
		       b->data, SDDL_REVISION_1, info, &tb, NULL) &&
	       _wcsicmp(ta, tb) == 0;
	LocalFree(ta);
	LocalFree(tb);
	return same;
}

static bool same_condition(const FWPM_FILTER_CONDITION0 *a,
			   const FWPM_FILTER_CONDITION0 *b)
{
	const FWP_CONDITION_VALUE0 *va = &a->conditionValue,
				   *vb = &b->conditionValue;

	if (!IsEqualGUID(&a->fieldKey, &b->fieldKey) ||
	    a->matchType != b->matchType || va->type != vb->type)
		return false;
	switch (va->type) {
	case FWP_SECURITY_DESCRIPTOR_TYPE:
		return same_sd(va->sd, vb->sd);
	case FWP_UINT32:
		return va->uint32 == vb->uint32;
	case FWP_UINT8:
		return va->uint8 == vb->uint8;
	case FWP_RANGE_TYPE:
		return vb->rangeValue &&
		       vb->rangeValue->valueLow.type == FWP_UINT16 &&
		       vb->rangeValue->valueHigh.type == FWP_UINT16 &&
		       va->rangeValue->valueLow.uint16 ==
			       vb->rangeValue->valueLow.uint16 &&
		       va->rangeValue->valueHigh.uint16 ==
			       vb->rangeValue->valueHigh.uint16;
	default:
		return false;
	}
}

static bool weight_is(const FWP_VALUE0 *v, UINT64 w)
{
	return v->type == FWP_UINT64 && v->uint64 && *v->uint64 == w;
}

/* Whether back is the filter written: layer, sublayer, action, weight,
 * persistence, every condition (the engine may reorder them). */
static bool same_filter(const FWPM_FILTER0 *want, const FWPM_FILTER0 *back)
{
	if (!IsEqualGUID(&want->layerKey, &back->layerKey) ||
	    !IsEqualGUID(&want->subLayerKey, &back->subLayerKey) ||
	    want->action.type != back->action.type ||
	    !(back->flags & FILTER_FLAG_PERSISTENT) ||
	    back->numFilterConditions != want->numFilterConditions ||
	    !(weight_is(&back->weight, *want->weight.uint64) ||
	      weight_is(&back->effectiveWeight, *want->weight.uint64)))
		return false;
	for (UINT32 i = 0; i < want->numFilterConditions; i++) {
		bool found = false;

		for (UINT32 j = 0; !found && j < back->numFilterConditions; j++)
			found = same_condition(&want->filterCondition[i],
					       &back->filterCondition[j]);
		if (!found)
			return false;
	}
	return true;
}

/* The filter f for the user whose SID is user_sid; *ret_user_sd is the
 * user condition's descriptor, LocalFree it. */
struct filter {
	FWPM_FILTER0 f;
	struct conditions cond;
	UINT64 weight;
	wchar_t name[64];
	PSECURITY_DESCRIPTOR user_sd;
};

static int filter_build(int index, const char *user_sid, struct filter *out,
			struct win_setup_report *r)
{
	const struct win_setup_filter_spec *s = &win_setup_filters[index];
	wchar_t sddl[WIN_SID_STRING_MAX + 32];
	ULONG len;

	memset(out, 0, sizeof(*out));
	/* FWP_ACTRL_MATCH_FILTER (CC, 1) for the user: the engine matches
	 * the condition when an access check of the connecting process's
	 * token against this descriptor grants it. */
	_snwprintf(sddl, sizeof(sddl) / sizeof(*sddl), L"O:LSD:(A;;CC;;;%hs)",
		   user_sid);
	sddl[sizeof(sddl) / sizeof(*sddl) - 1] = 0;
	if (sd_from(sddl, &out->user_sd, &len, r) < 0)
		return -EIO;
	build_conditions(s, out->user_sd, len, &out->cond);
	MultiByteToWideChar(CP_UTF8, 0, s->name, -1, out->name, 64);
	out->weight = s->weight;
	out->f.filterKey = guid_of(&s->key);
	out->f.displayData.name = out->name;
	out->f.displayData.description =
		(wchar_t *)L"paddock: the network of paddock-offline (paddock setup)";
	out->f.flags = FILTER_FLAG_PERSISTENT;
	out->f.layerKey = s->ipv6 ? layer_connect_v6 : layer_connect_v4;
	out->f.subLayerKey = guid_of(&win_setup_sublayer_key);
	out->f.weight.type = FWP_UINT64;
	out->f.weight.uint64 = &out->weight;
	out->f.numFilterConditions = out->cond.n;
	out->f.filterCondition = out->cond.c;
	out->f.action.type = s->permit ? FWP_ACTION_PERMIT : FWP_ACTION_BLOCK;
	return 0;
}

/* Whether the filter of want's key is there and is want. */
static DWORD filter_read(HANDLE h, const FWPM_FILTER0 *want, bool *ret_ok)
{
	FWPM_FILTER0 *back = NULL;
	DWORD e = FwpmFilterGetByKey0(h, &want->filterKey, &back);

	*ret_ok = false;
	if (e == (DWORD)FWP_E_FILTER_NOT_FOUND)
		return ERROR_SUCCESS;
	if (e != ERROR_SUCCESS)
		return e;
	*ret_ok = back && same_filter(want, back);
	if (back)
		FwpmFreeMemory0((void **)&back);
	return ERROR_SUCCESS;
}

/* Replace, read back, commit: all or nothing. */
static int add_filter(HANDLE h, int index, const char *user_sid,
		      struct win_setup_report *r)
{
	const char *name = win_setup_filters[index].name;
	PSECURITY_DESCRIPTOR sd;
	ULONG sd_len;
	struct filter *f;
	bool ok = false;
	DWORD e;

	if (sublayer_read(h, &ok) != ERROR_SUCCESS || !ok)
		return fail(
			r, (DWORD)FWP_E_SUBLAYER_NOT_FOUND, name,
			"the WFP sublayer is missing: it must be added before its filters");
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	if (filter_build(index, user_sid, f, r) < 0 ||
	    sd_from(OBJECT_SDDL, &sd, &sd_len, r) < 0) {
		LocalFree(f->user_sd);
		free(f);
		return -EIO;
	}
	ok = false;
	e = FwpmTransactionBegin0(h, 0);
	if (e == ERROR_SUCCESS) {
		/* Setup again: the old filter is replaced, not doubled. */
		e = FwpmFilterDeleteByKey0(h, &f->f.filterKey);
		if (e == (DWORD)FWP_E_FILTER_NOT_FOUND)
			e = ERROR_SUCCESS;
		if (e == ERROR_SUCCESS)
			e = FwpmFilterAdd0(h, &f->f, sd, NULL);
		if (e == ERROR_SUCCESS)
			e = filter_read(h, &f->f, &ok);
		if (e == ERROR_SUCCESS && ok)
			e = FwpmTransactionCommit0(h);
		else
			FwpmTransactionAbort0(h);
	}
	LocalFree(sd);
	LocalFree(f->user_sd);
	free(f);
	if (e != ERROR_SUCCESS)
		return fail(r, e, name, "cannot add the WFP filter");
	if (!ok)
		return fail(
			r, 0, name,
			"the WFP filter read back differs from the filter written");
	return 0;
}

int win_setupw_wfp_add(const struct win_setup_change *c, const char *user_sid,
		       struct win_setup_report *r)
{
	HANDLE h;
	int index = win_setup_filter_find(c->target);
	int e;

	if (c->kind == WIN_SETUP_FILTER_KIND && index < 0)
		return fail(r, 0, c->target, "no such WFP filter");
	e = engine_open(&h, r);
	if (e < 0)
		return e;
	if (c->kind == WIN_SETUP_SUBLAYER_KIND)
		e = add_sublayer(h, r);
	else
		e = add_filter(h, index, user_sid, r);
	FwpmEngineClose0(h);
	return e;
}

/* Delete one object; one already gone counts as deleted. Without the
 * sublayer no paddock filter can exist (see the top of this file), so
 * nothing else is called then. */
static DWORD remove_object(HANDLE h, const struct win_setup_change *c)
{
	bool exists, ok;
	DWORD e = sublayer_look(h, &exists, &ok);
	GUID key;
	int index;

	if (e != ERROR_SUCCESS || !exists)
		return e;
	if (c->kind == WIN_SETUP_SUBLAYER_KIND) {
		key = guid_of(&win_setup_sublayer_key);
		e = FwpmSubLayerDeleteByKey0(h, &key);
		return e == (DWORD)FWP_E_SUBLAYER_NOT_FOUND ? ERROR_SUCCESS : e;
	}
	index = win_setup_filter_find(c->target);
	if (index < 0)
		return ERROR_NOT_FOUND;
	key = guid_of(&win_setup_filters[index].key);
	e = FwpmFilterDeleteByKey0(h, &key);
	return e == (DWORD)FWP_E_FILTER_NOT_FOUND ? ERROR_SUCCESS : e;
}

int win_setupw_wfp_remove(const struct win_setup_change *c,
			  struct win_setup_report *r)
{
	HANDLE h;
	DWORD e;

	if (engine_open(&h, r) < 0) {
		if (r)
			r->code = WIN_SETUP_E_UNINSTALL;
		return -EIO;
	}
	e = remove_object(h, c);
	FwpmEngineClose0(h);
	if (e != ERROR_SUCCESS)
		return win_setupw_fail(
			r, WIN_SETUP_E_UNINSTALL, e, c->target,
			c->kind == WIN_SETUP_SUBLAYER_KIND
				? "cannot delete the WFP sublayer"
				: "cannot delete the WFP filter");
	return 0;
}

int win_setupw_wfp_check(const char *user_sid, bool *ret_sublayer,
			 bool ret_filter[WIN_SETUP_FILTER_COUNT],
			 struct win_setup_report *r)
{
	struct filter *f;
	HANDLE h;
	DWORD e;

	*ret_sublayer = false;
	memset(ret_filter, 0, WIN_SETUP_FILTER_COUNT * sizeof(*ret_filter));
	if (engine_open(&h, r) < 0)
		return -EIO;
	e = sublayer_read(h, ret_sublayer);
	f = calloc(1, sizeof(*f));
	if (!f)
		e = ERROR_NOT_ENOUGH_MEMORY;
	/* One lookup by key per filter: fast enough for every load. */
	for (int i = 0;
	     e == ERROR_SUCCESS && *ret_sublayer && i < WIN_SETUP_FILTER_COUNT;
	     i++) {
		if (filter_build(i, user_sid, f, r) < 0) {
			e = ERROR_INVALID_SID;
			break;
		}
		e = filter_read(h, &f->f, &ret_filter[i]);
		LocalFree(f->user_sd);
	}
	free(f);
	FwpmEngineClose0(h);
	if (e != ERROR_SUCCESS)
		return fail(r, e, WIN_SETUP_SUBLAYER,
			    "cannot read paddock's WFP sublayer or filters");
	return 0;
}
