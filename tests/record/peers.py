#!/usr/bin/python3
"""Client and server programs for the recorded scenarios.

Usage: peers.py ROLE SCENARIO CLIENT_ADDR SERVER_ADDR WORKDIR T0
  ROLE      client | server
  T0        a wall-clock time (time.time()) both sides use to act together
The server writes WORKDIR/server.ready once it listens.  Every blocking call
has a timeout, so a peer never outlives its scenario by much.
"""
import os
import socket
import struct
import sys
import time

SERVER_PORT = 5000
CLIENT_PORT = 40001
TIMEOUT = 8.0


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def sock(addr):
    s = socket.socket(family(addr), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.settimeout(TIMEOUT)
    return s


def nodelay(s):
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def ready(workdir):
    with open(os.path.join(workdir, "server.ready"), "w") as f:
        f.write("ready\n")


def listener(srv, workdir, rcvbuf=None, fastopen=False):
    s = sock(srv)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    if fastopen:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_FASTOPEN, 5)
    s.bind((srv, SERVER_PORT))
    s.listen(64)
    ready(workdir)
    return s


def connect(cli, srv, port=CLIENT_PORT, timeout=TIMEOUT):
    s = sock(cli)
    s.settimeout(timeout)
    s.bind((cli, port))
    s.connect((srv, SERVER_PORT))
    return s


def recv_exact(c, n):
    buf = b""
    while len(buf) < n:
        d = c.recv(n - len(buf))
        if not d:
            break
        buf += d
    return buf


def recv_eof(c):
    buf = b""
    while True:
        d = c.recv(65536)
        if not d:
            return buf
        buf += d


def sleep_until(t):
    d = t - time.time()
    if d > 0:
        time.sleep(d)


REQ = b"tcplife-request-0123456789\n"     # 27 bytes, no protocol look-alike
RESP = b"R" * 2000                         # two segments at MSS 1448


# --- scenarios: each is (server function, client function) ---------------
# Server functions get (listening socket or None, args); client functions args.

def s_echo_then(close_delay):
    """Serve one request; close `close_delay` s after EOF."""
    def server(ls, a):
        c, _ = ls.accept()
        recv_exact(c, len(REQ))
        c.sendall(RESP)
        recv_eof(c)
        time.sleep(close_delay)
        c.close()
    return server


def c_request_close(a, pause=0.1):
    s = connect(a.cli, a.srv)
    s.sendall(REQ)
    recv_exact(s, len(RESP))
    time.sleep(pause)
    s.close()


def server_close_server(ls, a):
    c, _ = ls.accept()
    recv_exact(c, len(REQ))
    c.sendall(RESP)
    time.sleep(0.1)
    c.close()


def server_close_client(a):
    s = connect(a.cli, a.srv)
    s.sendall(REQ)
    recv_eof(s)
    time.sleep(0.3)
    s.close()


def half_close_server(ls, a):
    c, _ = ls.accept()
    recv_eof(c)           # request, then the client's FIN
    time.sleep(0.3)       # our ACK of that FIN goes out on its own first
    nodelay(c)
    for _ in range(3):
        c.sendall(b"H" * 1000)   # data after the peer's FIN
        time.sleep(0.02)
    time.sleep(0.1)
    c.close()


def half_close_client(a):
    s = connect(a.cli, a.srv)
    s.sendall(REQ)
    s.shutdown(socket.SHUT_WR)
    recv_eof(s)
    s.close()


def refused_client(a):
    try:
        connect(a.cli, a.srv, timeout=3)
    except ConnectionRefusedError:
        return
    raise SystemExit("expected ECONNREFUSED")


def linger_abort_server(ls, a):
    c, _ = ls.accept()
    recv_exact(c, len(REQ))
    c.sendall(RESP)
    try:
        recv_eof(c)
    except ConnectionResetError:
        pass
    c.close()


def linger_abort_client(a):
    s = connect(a.cli, a.srv)
    s.sendall(REQ)
    recv_exact(s, len(RESP))
    time.sleep(0.1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()


def close_unread_server(ls, a):
    c, _ = ls.accept()
    time.sleep(0.3)       # the request arrives and is acknowledged, never read
    c.close()             # unread data: the kernel sends RST, not FIN


def close_unread_client(a):
    s = connect(a.cli, a.srv)
    s.sendall(REQ)
    try:
        s.recv(100)       # returns on the RST
    except ConnectionResetError:
        pass
    time.sleep(0.1)
    s.close()


def unanswered_client(a):
    try:
        connect(a.cli, a.srv, timeout=3.5)   # SYNs at about 0, 1 and 3 s
    except (socket.timeout, TimeoutError):
        return
    raise SystemExit("expected a timeout")


def simopen_server(ls, a):
    # Not a listener: connects to the client's bound port at the same moment.
    s = sock(a.srv)
    s.bind((a.srv, SERVER_PORT))
    sleep_until(a.t0)
    s.connect((a.cli, CLIENT_PORT))
    recv_exact(s, len(REQ))
    s.sendall(RESP)
    recv_eof(s)
    time.sleep(0.3)
    s.close()


def simopen_client(a):
    s = sock(a.cli)
    s.bind((a.cli, CLIENT_PORT))
    sleep_until(a.t0)
    s.connect((a.srv, SERVER_PORT))
    s.sendall(REQ)
    recv_exact(s, len(RESP))
    time.sleep(0.1)
    s.close()


def simclose_server(ls, a):
    c, _ = ls.accept()
    recv_exact(c, len(REQ))
    c.sendall(RESP)
    sleep_until(a.t0 + 1.0)
    c.close()
    time.sleep(0.5)


def simclose_client(a):
    s = connect(a.cli, a.srv)
    s.sendall(REQ)
    recv_exact(s, len(RESP))
    sleep_until(a.t0 + 1.0)
    s.close()
    time.sleep(0.5)


def chunks_server(total, reply_close_delay=0.3):
    def server(ls, a):
        c, _ = ls.accept()
        recv_exact(c, total)
        c.sendall(b"OK")
        recv_eof(c)
        time.sleep(reply_close_delay)
        c.close()
    return server


def data_loss_client(a):
    s = connect(a.cli, a.srv)
    nodelay(s)
    for _ in range(5):
        s.sendall(b"L" * 1000)   # the 2nd of these is dropped once
        time.sleep(0.01)
    recv_exact(s, 2)
    time.sleep(0.1)
    s.close()


def dup_reorder_client(a):
    s = connect(a.cli, a.srv)
    nodelay(s)
    s.sendall(b"1" * 500)        # data#1
    time.sleep(0.02)
    s.sendall(b"2" * 500)        # data#2, delivered twice
    time.sleep(0.02)
    s.sendall(b"3" * 2896)       # data#3 and #4, back to back; swapped
    recv_exact(s, 2)
    time.sleep(0.1)
    s.close()


def keepalive_client(a):
    s = connect(a.cli, a.srv)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 1)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 1)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 3)
    s.sendall(REQ)
    recv_exact(s, len(RESP))
    time.sleep(2.6)              # idle: keep-alives at about 1 s and 2 s
    s.close()


ZW_TOTAL = 12000


def zero_window_server(ls, a):
    c, _ = ls.accept()
    time.sleep(1.6)              # do not read: the window closes
    recv_exact(c, ZW_TOTAL)
    c.sendall(b"OK")
    recv_eof(c)
    time.sleep(0.3)
    c.close()


def zero_window_client(a):
    s = connect(a.cli, a.srv)
    s.sendall(b"Z" * ZW_TOTAL)
    recv_exact(s, 2)
    time.sleep(0.1)
    s.close()


def fastopen_server(ls, a):
    for _ in range(2):
        c, _ = ls.accept()
        recv_exact(c, len(REQ))
        c.sendall(b"OK")
        recv_eof(c)
        time.sleep(0.3)
        c.close()


def fastopen_client(a):
    for i in range(2):
        # 1st: no cookie yet, the SYN asks for one and the data follows the
        # handshake; 2nd: the SYN carries the cookie and the request.
        s = sock(a.cli)
        s.bind((a.cli, CLIENT_PORT + i))
        s.settimeout(None)        # sendto() on a socket with a timeout gives EINPROGRESS
        s.sendto(REQ, socket.MSG_FASTOPEN, (a.srv, SERVER_PORT))
        s.settimeout(TIMEOUT)
        recv_exact(s, 2)
        time.sleep(0.1)
        s.close()
        time.sleep(0.5)


def port_reuse_server(ls, a):
    for _ in range(2):
        c, _ = ls.accept()
        recv_exact(c, len(REQ))
        c.sendall(b"OK")
        time.sleep(0.1)
        c.close()                # server closes first: TIME_WAIT stays here


def port_reuse_client(a):
    for _ in range(2):
        s = connect(a.cli, a.srv)   # same local port both times
        s.sendall(REQ)
        recv_eof(s)
        time.sleep(0.2)
        s.close()
        time.sleep(0.5)


N_INTERLEAVED = 20


def interleaved_server(ls, a):
    # Replies to each request; closes first on connections from odd client
    # ports (server-initiated teardown), waits for the client's FIN on the
    # others.
    import selectors
    sel = selectors.DefaultSelector()
    sel.register(ls, selectors.EVENT_READ)
    done = 0
    deadline = time.time() + TIMEOUT
    while done < N_INTERLEAVED and time.time() < deadline:
        for key, _ in sel.select(timeout=0.5):
            if key.fileobj is ls:
                c, peer = ls.accept()
                c.setblocking(False)
                sel.register(c, selectors.EVENT_READ, peer[1])
                continue
            c = key.fileobj
            try:
                d = c.recv(4096)
            except (BlockingIOError, ConnectionResetError):
                continue
            if d:
                c.send(b"OK:" + d)          # 10 bytes: fits any send buffer
                if key.data % 2:
                    sel.unregister(c)
                    c.close()
                    done += 1
            else:
                sel.unregister(c)
                c.close()
                done += 1


def interleaved_client(a):
    import random
    import select
    rnd = random.Random(7)
    socks = []
    for i in range(N_INTERLEAVED):          # all SYNs before any handshake ends
        s = socket.socket(family(a.cli), socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((a.cli, CLIENT_PORT + i))
        s.setblocking(False)
        s.connect_ex((a.srv, SERVER_PORT))
        socks.append(s)
    pending = set(socks)
    deadline = time.time() + TIMEOUT
    while pending and time.time() < deadline:
        _, w, _ = select.select([], list(pending), [], 0.5)
        pending -= set(w)
    for s in socks:
        s.settimeout(TIMEOUT)
    order = list(range(N_INTERLEAVED))
    rnd.shuffle(order)
    for i in order:
        socks[i].sendall(b"req-%02d\n" % i)
    for i in order:
        recv_exact(socks[i], 10)            # "OK:" + the 7-byte request
    rnd.shuffle(order)
    for i in order:                          # even ports: the client closes first
        if (CLIENT_PORT + i) % 2 == 0:
            socks[i].close()
    for i in order:                          # odd ports: the server closed first
        if (CLIENT_PORT + i) % 2:
            recv_eof(socks[i])
            socks[i].close()
    time.sleep(0.3)


def midstream_server(ls, a):
    c, _ = ls.accept()
    while True:
        d = c.recv(4096)
        if not d:
            break
        c.sendall(d)
    time.sleep(0.3)
    c.close()


def midstream_client(a):
    s = connect(a.cli, a.srv)
    nodelay(s)
    for i in range(30):
        s.sendall(b"tick %04d " % i + b"x" * 90)
        recv_exact(s, 100)
        time.sleep(0.02)
    time.sleep(1.0)              # the recorder cuts the capture in this pause
    s.close()


CHUNKS = 4                               # the server's reply: 4 x 1000 bytes, 50 ms apart


def chunked_reply_server(ls, a):
    """Reply in CHUNKS segments, then close after EOF.  The forwarder injects a
    RST after the 2nd one; if the client's kernel accepted it, the next
    segment draws the client kernel's own RST and the server stops."""
    c, _ = ls.accept()
    nodelay(c)
    recv_exact(c, len(REQ))
    try:
        for i in range(CHUNKS):
            c.sendall(b"%d" % i * 1000)
            time.sleep(0.05)
        recv_eof(c)
        time.sleep(0.3)
    except (ConnectionResetError, BrokenPipeError):
        pass
    c.close()


def chunked_reply_client(reset_expected):
    def client(a):
        s = connect(a.cli, a.srv)
        s.sendall(REQ)
        try:
            recv_exact(s, CHUNKS * 1000)
        except ConnectionResetError:
            if not reset_expected:
                raise
            s.close()
            return
        if reset_expected:
            raise SystemExit("expected ECONNRESET")
        time.sleep(0.1)
        s.close()
    return client


SCENARIOS = {
    "client-close": (s_echo_then(0.3), c_request_close),
    "server-close": (server_close_server, server_close_client),
    "fin-ack-merged": (s_echo_then(0.0), c_request_close),
    "half-close": (half_close_server, half_close_client),
    "refused": (None, refused_client),
    "linger-abort": (linger_abort_server, linger_abort_client),
    "close-unread": (close_unread_server, close_unread_client),
    "lost-syn": (s_echo_then(0.3), c_request_close),
    "lost-synack": (s_echo_then(0.3), c_request_close),
    "unanswered-syn": (None, unanswered_client),
    "simultaneous-open": (simopen_server, simopen_client),
    "simultaneous-close": (simclose_server, simclose_client),
    "data-loss": (chunks_server(5000), data_loss_client),
    "dup-reorder": (chunks_server(500 + 500 + 2896), dup_reorder_client),
    "lost-fin": (s_echo_then(0.5), c_request_close),
    "keepalive": (s_echo_then(0.3), keepalive_client),
    "zero-window": (zero_window_server, zero_window_client),
    "fastopen": (fastopen_server, fastopen_client),
    "port-reuse": (port_reuse_server, port_reuse_client),
    "interleaved": (interleaved_server, interleaved_client),
    "ipv6": (s_echo_then(0.3), c_request_close),
    "midstream": (midstream_server, midstream_client),
    # Injected RSTs (tunfwd.py inject-rst-*), the client's kernel receives them.
    "rst-synsent": (s_echo_then(0.3), c_request_close),
    "rst-outside-window": (chunked_reply_server, chunked_reply_client(False)),
    "rst-in-window": (chunked_reply_server, chunked_reply_client(False)),
    "rst-exact": (chunked_reply_server, chunked_reply_client(True)),
}

# Servers that must not listen (the scenario needs no listener at all, or the
# server side connects instead).
NO_LISTENER = {"refused", "unanswered-syn", "simultaneous-open"}
LISTEN_OPTS = {"zero-window": {"rcvbuf": 2048}, "fastopen": {"fastopen": True}}


class Args:
    pass


def main():
    role, scen, cli, srv, workdir, t0 = sys.argv[1:7]
    a = Args()
    a.cli, a.srv, a.workdir, a.t0 = cli, srv, workdir, float(t0)
    server, client = SCENARIOS[scen]
    if role == "server":
        if scen in NO_LISTENER:
            ready(workdir)
            if server:
                server(None, a)
            return
        ls = listener(srv, workdir, **LISTEN_OPTS.get(scen, {}))
        server(ls, a)
        ls.close()
    else:
        client(a)


if __name__ == "__main__":
    main()
