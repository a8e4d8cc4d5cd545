# SPDX-License-Identifier: MIT
"""Listen on the host, outside the sandbox, until killed.

usage: server.py READY_FILE ENDPOINT...
ENDPOINT: tcp:HOST:PORT (PORT 0 picks one) | unix:PATH | abstract:NAME

Once every endpoint listens, writes one line per endpoint to READY_FILE
(the TCP port actually bound for tcp endpoints, else the endpoint), then
accepts and closes connections forever.
"""
import os
import select
import socket
import sys


def listen(endpoint):
    kind, _, rest = endpoint.partition(":")
    if kind == "tcp":
        host, _, port = rest.rpartition(":")
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.bind((host, int(port)))
        desc = str(sock.getsockname()[1])
    elif kind == "unix":
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.bind(rest)
        desc = rest
    else:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.bind("\0" + rest)
        desc = rest
    sock.listen(16)
    return sock, desc


def main():
    ready, endpoints = sys.argv[1], sys.argv[2:]
    socks = []
    lines = []
    for endpoint in endpoints:
        sock, desc = listen(endpoint)
        socks.append(sock)
        lines.append(desc)
    with open(ready + ".part", "w") as f:
        f.write("\n".join(lines) + "\n")
    os.rename(ready + ".part", ready)
    while True:
        readable, _, _ = select.select(socks, [], [])
        for sock in readable:
            conn, _ = sock.accept()
            conn.close()


main()
