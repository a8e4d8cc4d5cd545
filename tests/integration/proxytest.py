#!/usr/bin/env python3
# The programs tests/integration/proxy.bats runs: a local server standing in
# for remote hosts, and clients that speak to paddock's proxy (on
# 127.0.0.1:3128 inside the sandbox) the way real clients do. Standard
# library only.
#
#   origin PORTFILE LOG [ADDR]
#                           serve on ADDR (127.0.0.1), port 0, until killed;
#                           write the port to PORTFILE; log each
#                           connection's first line, and each header line
#                           of a GET ("header: NAME: VALUE")
#   tls-origin PORTFILE CERT KEY
#                           like origin, over TLS with CERT and KEY, and
#                           only a GET: answers "origin-tls-ok PATH"
#   dns READY LOG           a name server on 127.0.0.1:53 until killed: logs
#                           each query; answers found.allowed.test and any
#                           name under corp.example with 198.51.100.7,
#                           other names with NXDOMAIN; creates READY
#   connect HOST PORT       CONNECT through the proxy, then ping
#   get HOST PORT PATH      an absolute-form GET through the proxy
#   socks HOST PORT         SOCKS5 with a host name, then ping
#   socks-ip ADDR PORT      SOCKS5 with an IPv4 address, then ping
#   tls HOST PORT SNI       CONNECT, then a TLS ClientHello naming SNI
#   tls-split HOST PORT SNI SHAPE
#                           CONNECT, then a real ClientHello naming SNI,
#                           sent whole or after an empty or a one-byte
#                           first record (SHAPE: whole, empty, frag), which
#                           servers reassemble; whether the proxy closed
#   direct ADDR PORT        connect without the proxy
#   resolve NAME            the system's resolver, timed
#   many N HOST PORT        N tunnels at once; how many answered
#   slow N HOST PORT        N clients that send a head byte by byte; whether
#                           a normal client is served meanwhile, and whether
#                           the proxy closes the slow ones
import os
import socket
import ssl
import struct
import sys
import threading
import time

PROXY = ("127.0.0.1", 3128)


def origin(portfile, log, addr="127.0.0.1"):
    lock = threading.Lock()
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, 0))
    srv.listen(256)
    with open(portfile + ".tmp", "w") as f:
        f.write(str(srv.getsockname()[1]))
    os.rename(portfile + ".tmp", portfile)

    def serve(c):
        c.settimeout(5)
        try:
            data = c.recv(65536)
            if not data:
                return
            if data[0] == 0x16:
                first = "tls-client-hello"
            else:
                first = data.split(b"\r\n")[0].split(b"\n")[0].decode(
                    "latin-1")
            with lock, open(log, "a") as f:
                f.write(first + "\n")
            if data.startswith(b"GET "):
                body = ("origin-ok " + first.split(" ")[1] + "\n").encode()
                head = data.split(b"\r\n\r\n")[0].decode("latin-1")
                with lock, open(log, "a") as f:
                    for line in head.split("\r\n")[1:]:
                        f.write("header: " + line + "\n")
                hop = ("proxy-connection:", "keep-alive:",
                       "proxy-authorization:", "connection: keep-alive")
                if any(line.lower().startswith(hop)
                       for line in head.split("\r\n")[1:]):
                    body += b"hop-by-hop header forwarded\n"
                c.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: " +
                          str(len(body)).encode() + b"\r\n\r\n" + body)
            elif data.startswith(b"ping"):
                c.sendall(b"pong\n")
        except OSError:
            pass
        finally:
            c.close()

    while True:
        c, _ = srv.accept()
        threading.Thread(target=serve, args=(c,), daemon=True).start()


def tls_origin(portfile, cert, key):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    with open(portfile + ".tmp", "w") as f:
        f.write(str(srv.getsockname()[1]))
    os.rename(portfile + ".tmp", portfile)

    def serve(c):
        try:
            c.settimeout(5)
            t = ctx.wrap_socket(c, server_side=True)
            path = read_head(t).split(b" ")[1]
            body = b"origin-tls-ok " + path + b"\n"
            t.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: " +
                      str(len(body)).encode() + b"\r\n\r\n" + body)
            t.close()
        except (OSError, IndexError):
            c.close()

    while True:
        c, _ = srv.accept()
        threading.Thread(target=serve, args=(c,), daemon=True).start()


def dns(ready, log):
    srv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    srv.bind(("127.0.0.1", 53))
    open(ready, "w").close()
    while True:
        query, client = srv.recvfrom(512)
        ident, = struct.unpack("!H", query[:2])
        labels, i = [], 12
        while query[i]:
            labels.append(query[i + 1:i + 1 + query[i]].decode().lower())
            i += 1 + query[i]
        qtype, = struct.unpack("!H", query[i + 1:i + 3])
        question = query[12:i + 5]
        name = ".".join(labels)
        with open(log, "a") as f:
            f.write(f"query {name} {qtype}\n")
        known = name == "found.allowed.test" or name.endswith(".corp.example")
        answer = b""
        if known and qtype == 1:
            answer = (b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) +
                      socket.inet_aton("198.51.100.7"))
        flags = 0x8180 if known else 0x8183
        srv.sendto(struct.pack("!HHHHHH", ident, flags, 1, len(answer) and 1,
                               0, 0) + question + answer, client)


def proxy_connect(timeout=5):
    return socket.create_connection(PROXY, timeout=timeout)


def read_head(s):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def connect(host, port):
    s = proxy_connect()
    s.sendall(f"CONNECT {host}:{port} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n"
              .encode())
    head = read_head(s)
    print(head.split(b"\r\n")[0].decode())
    if b" 200 " in head.split(b"\r\n")[0]:
        s.sendall(b"ping\n")
        print(s.recv(100).decode().strip())
    else:
        reason = [h for h in head.split(b"\r\n")
                  if h.lower().startswith(b"x-paddock-reason:")]
        if reason:
            print(reason[0].decode())


def get(host, port, path):
    s = proxy_connect()
    s.sendall(f"GET http://{host}:{port}{path} HTTP/1.1\r\nHost: {host}:{port}"
              f"\r\nProxy-Connection: keep-alive\r\nConnection: keep-alive"
              f"\r\nKeep-Alive: timeout=5\r\nProxy-Authorization: Basic eDp5"
              f"\r\nAccept: */*\r\n\r\n".encode())
    data = b""
    while True:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    lines = data.split(b"\r\n")
    print(lines[0].decode())
    print(data.split(b"\r\n\r\n", 1)[-1].decode().strip())


def socks(host, port, ip=False):
    s = proxy_connect()
    s.sendall(b"\x05\x01\x00")
    if s.recv(2) != b"\x05\x00":
        print("greeting refused")
        return
    if ip:
        req = b"\x05\x01\x00\x01" + socket.inet_aton(host)
    else:
        req = b"\x05\x01\x00\x03" + bytes([len(host)]) + host.encode()
    s.sendall(req + struct.pack("!H", int(port)))
    reply = s.recv(10)
    print("socks reply", reply[1] if len(reply) > 1 else "none")
    if len(reply) > 1 and reply[1] == 0:
        s.sendall(b"ping\n")
        print(s.recv(100).decode().strip())


def tls(host, port, sni):
    s = proxy_connect()
    s.sendall(f"CONNECT {host}:{port} HTTP/1.1\r\n\r\n".encode())
    print(read_head(s).split(b"\r\n")[0].decode())
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    try:
        ctx.wrap_socket(s, server_hostname=sni).do_handshake()
        print("handshake done")
    except (OSError, ssl.SSLError) as e:
        print("handshake failed:", type(e).__name__)


def client_hello(sni):
    """The first record a TLS client sends for sni."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    conn = ctx.wrap_bio(incoming, outgoing, server_hostname=sni)
    try:
        conn.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return outgoing.read()


def tls_split(host, port, sni, shape):
    record = client_hello(sni)
    header, body = record[:3], record[5:]
    if shape == "empty":
        data = header + b"\0\0" + record
    elif shape == "frag":
        data = (header + struct.pack("!H", 1) + body[:1] + header +
                struct.pack("!H", len(body) - 1) + body[1:])
    else:
        data = record
    s = proxy_connect()
    s.sendall(f"CONNECT {host}:{port} HTTP/1.1\r\n\r\n".encode())
    print(read_head(s).split(b"\r\n")[0].decode())
    s.sendall(data)
    try:
        print("closed" if s.recv(100) == b"" else "answered")
    except OSError as e:
        print("failed:", e)


def direct(addr, port):
    try:
        socket.create_connection((addr, int(port)), timeout=3)
        print("connected")
    except OSError as e:
        print("failed:", e.strerror or e)


def resolve(name):
    start = time.monotonic()
    try:
        socket.getaddrinfo(name, 443)
        result = "resolved"
    except socket.gaierror as e:
        result = "failed: " + e.strerror
    print(result)
    print("seconds %.1f" % (time.monotonic() - start))


def tunnel_ok(host, port, results, i):
    try:
        s = proxy_connect(timeout=20)
        s.sendall(f"CONNECT {host}:{port} HTTP/1.1\r\n\r\n".encode())
        if b" 200 " in read_head(s):
            s.sendall(b"ping\n")
            if s.recv(100).startswith(b"pong"):
                results[i] = True
    except OSError:
        pass


def many(n, host, port):
    n = int(n)
    results = [False] * n
    threads = [threading.Thread(target=tunnel_ok,
                                args=(host, port, results, i))
               for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("answered", sum(results), "of", n)


def slow(n, host, port):
    clients = []
    for _ in range(int(n)):
        s = proxy_connect(timeout=30)
        s.sendall(b"CONNECT ")
        clients.append(s)
    # The slow clients hold their connections; a normal one is served.
    results = [False]
    tunnel_ok(host, port, results, 0)
    print("normal client served:", results[0])
    # Keep trickling bytes: the head's deadline is for the whole head.
    start = time.monotonic()
    open_clients = list(clients)
    while open_clients and time.monotonic() - start < 20:
        still = []
        for s in open_clients:
            try:
                s.sendall(b"x")
                s.settimeout(0.01)
                if s.recv(1) == b"":
                    continue
            except socket.timeout:
                pass
            except OSError:
                continue
            still.append(s)
        open_clients = still
        time.sleep(0.5)
    print("slow clients closed by the proxy:", len(clients) - len(open_clients),
          "of", len(clients), "after about %d s" % (time.monotonic() - start))


def main():
    mode, args = sys.argv[1], sys.argv[2:]
    {
        "origin": origin, "tls-origin": tls_origin, "dns": dns, "connect": connect, "get": get, "socks": socks,
        "socks-ip": lambda a, p: socks(a, p, ip=True), "tls": tls,
        "tls-split": tls_split,
        "direct": direct, "resolve": resolve, "many": many, "slow": slow,
    }[mode](*args)


if __name__ == "__main__":
    main()
