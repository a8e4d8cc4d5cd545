/* SPDX-License-Identifier: MIT */
/* Proxy mode's proxy in paddock.exe (proxyw.c). */
#ifndef PADDOCK_WINDOWS_PROXYW_H
#define PADDOCK_WINDOWS_PROXYW_H

#include <stdint.h>

#include "windows/setup.h" /* WIN_PROXY_PORT_FIRST, _LAST */
#include "windows/win32.h"

struct win_proxy;

/* Start the proxy for the policy's rules on 127.0.0.1, at the first free
 * port of the range. */
int win_proxy_start(const struct paddock_policy *policy, struct win_proxy **ret,
		    struct paddock_error *err);
uint16_t win_proxy_port(const struct win_proxy *p);
/* Stop it and free it once its connections have ended; NULL is
 * accepted. */
void win_proxy_stop(struct win_proxy *p);

#endif
