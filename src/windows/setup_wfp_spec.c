/* SPDX-License-Identifier: MIT */
/*
 * The offline user's Windows Filtering Platform (WFP) filters, as data:
 * their keys (defined here and nowhere else), layers, actions, weights
 * and conditions. setup_wfp.c turns each entry into an FWPM_FILTER0.
 *
 * WHY WFP AS WELL AS THE FIREWALL RULES. Rules made through Windows
 * Firewall (INetFwRule, netsh, WFAS) have no effect on loopback traffic
 * (Microsoft KB 2771908). With the rules alone the offline user reaches
 * every service listening on the machine's loopback: a database, a
 * debugger port, a local agent with the user's credentials, another
 * proxy. Filters paddock adds itself at FWPM_LAYER_ALE_AUTH_CONNECT_V4
 * and _V6 are classified for every outbound connection (TCP connect, the
 * first datagram of a UDP flow), loopback included: the layer's
 * FWPM_CONDITION_FLAGS carry FWP_CONDITION_FLAG_IS_LOOPBACK for them.
 *
 * The filters. In paddock's own sublayer, evaluated from the highest
 * weight down:
 *
 *   weight 2  permit  offline user, TCP, 127.0.0.1, ports
 *                     WIN_PROXY_PORT_FIRST..WIN_PROXY_PORT_LAST
 *   weight 1  block   offline user, IPv4, any address, any port
 *   weight 1  block   offline user, IPv6, any address, any port
 *
 * Within a sublayer the first matching filter decides, so the permit
 * wins only for exactly its connections and the blocks take the rest.
 * Across sublayers "Block overrides Permit": the permit is a soft one
 * (FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT is not set), so it only says that
 * paddock's sublayer does not block the proxy's ports; a block from any
 * other sublayer (the firewall's, an administrator's) still wins. The
 * blocks are plain blocks, final once returned. A hard permit in a
 * higher sublayer could still override them, which is why paddock's
 * sublayer has the highest weight (WIN_SETUP_SUBLAYER_WEIGHT): it is
 * evaluated first, and its block is final.
 *
 * A reserved range, not one port. paddock.exe's proxy listens on the
 * first free port of the range, so setup (and its UAC prompt) is not
 * needed again when a port is taken or several proxied runs overlap; a
 * port is never written into a filter at run time, which would need an
 * administrator on every run. The cost: a program of the real user's
 * that listens on 127.0.0.1 in that range (a Squid on 3128) is reachable
 * by the offline user. docs/limitations.md says so.
 *
 * The online user gets no filter: it has the network by design, and its
 * loopback is no more than what its network already reaches. Nor does
 * the real user: the filters match the offline user's SID only.
 *
 * The keys are fixed so that uninstall, the marker check and
 * tests/windows/enforce.ps1 find the same objects on every machine.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "windows/setup.h"

/* {9014d008-fd78-4fc3-a064-79cbea8e13c1} */
const struct win_setup_guid win_setup_sublayer_key = {
	0x9014d008,
	0xfd78,
	0x4fc3,
	{ 0xa0, 0x64, 0x79, 0xcb, 0xea, 0x8e, 0x13, 0xc1 }
};

#define LOOPBACK_V4 0x7f000001u /* 127.0.0.1, host order as WFP wants */
#define TCP 6

const struct win_setup_filter_spec win_setup_filters[WIN_SETUP_FILTER_COUNT] = {
	[WIN_SETUP_FILTER_BLOCK_V4] = {
		.name = "paddock-offline-block-v4",
		.tag = "block-v4",
		/* {59bb3338-9b84-4e04-8275-a1eea4ca8e10} */
		.key = { 0x59bb3338, 0x9b84, 0x4e04,
			 { 0x82, 0x75, 0xa1, 0xee, 0xa4, 0xca, 0x8e, 0x10 } },
		.weight = 1,
	},
	[WIN_SETUP_FILTER_BLOCK_V6] = {
		.name = "paddock-offline-block-v6",
		.tag = "block-v6",
		/* {c4915ccb-e77c-4584-8796-be14590fdc0e} */
		.key = { 0xc4915ccb, 0xe77c, 0x4584,
			 { 0x87, 0x96, 0xbe, 0x14, 0x59, 0x0f, 0xdc, 0x0e } },
		.ipv6 = true,
		.weight = 1,
	},
	[WIN_SETUP_FILTER_PERMIT_PROXY] = {
		.name = "paddock-offline-permit-proxy",
		.tag = "permit-proxy",
		/* {1d15dc88-be9c-4c52-bee6-a7e88951cd33} */
		.key = { 0x1d15dc88, 0xbe9c, 0x4c52,
			 { 0xbe, 0xe6, 0xa7, 0xe8, 0x89, 0x51, 0xcd, 0x33 } },
		.permit = true,
		.weight = 2,
		.remote_v4 = LOOPBACK_V4,
		.protocol = TCP,
		.port_first = WIN_PROXY_PORT_FIRST,
		.port_last = WIN_PROXY_PORT_LAST,
	},
};

int win_setup_filter_find(const char *name)
{
	for (int i = 0; i < WIN_SETUP_FILTER_COUNT; i++)
		if (strcmp(win_setup_filters[i].name, name) == 0)
			return i;
	return -1;
}

int win_setup_guid_format(const struct win_setup_guid *g, char *buf,
			  size_t size)
{
	const uint8_t *d = g->data4;
	int n = snprintf(
		buf, size, "{%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x}",
		(unsigned)g->data1, (unsigned)g->data2, (unsigned)g->data3,
		d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]);

	if (n < 0)
		return -EINVAL;
	return (size_t)n >= size ? -ENOSPC : 0;
}
