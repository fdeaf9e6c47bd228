"""Real captures on link types and file formats the other fixtures do not cover.

Python `websockets` (asyncio) server and client, both on loopback (127.0.0.1 or ::1 only),
captured by tcpdump or dumpcap with a port filter. The scripts only drive the peers; every
byte on the wire comes from `websockets` and the Linux TCP stack.

  ws_ipv6.pcap       tcpdump -i lo            Ethernet (1), IPv6 [::1]:18601
  ws_sll.pcap        tcpdump -i any -y LINUX_SLL   Linux SLL (113), IPv4 127.0.0.1:18602
  ws_sll2_ipv6.pcap  tcpdump -i any -y LINUX_SLL2   Linux SLL2 (276), IPv6 [::1]:18603
  ws_deflate.pcapng  dumpcap -i lo (pcapng)   Ethernet (1), IPv4 127.0.0.1:18604, permessage-deflate
  ws_deflate_no_context_takeover.pcap  tcpdump -i lo   Ethernet (1), IPv4 127.0.0.1:18605,
                     permessage-deflate with server_ and client_no_context_takeover

The messages each scenario sends are listed in SCENARIOS (expected.py imports them).

usage (root): python3 gen_linktypes.py [name ...]    (all of them by default)
"""
import asyncio
import os
import random
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def _quotes():
    return ['{"type":"quote","symbol":"ACME","price":%0.2f,"volume":%d,"seq":%d,'
            '"exchange":"XNYS","currency":"USD"}' % (100 + i * 0.25, 1000 + 17 * i, i)
            for i in range(1, 5)]


UTF8 = "h\u00e9llo w\u00f6rld \u2013 \u2713 \u65e5\u672c\u8a9e \U0001F389"

# name -> how it is captured and what the client sends (the server echoes every message).
# "srv_ping_after": the server pings after echoing that many messages; "cli_ping_after": the
# client pings (and waits for the pong) after that many echoes.
SCENARIOS = {
    "ws_ipv6": {
        "file": "ws_ipv6.pcap", "host": "::1", "port": 18601, "path": "/v6",
        "tool": "tcpdump", "iface": "lo", "extra": [], "compression": None,
        "messages": ["Hello over IPv6", bytes(range(16)), UTF8, "", "B" * 126,
                     bytes(i % 251 for i in range(3000))],
        "cli_ping": b"v6-ping", "cli_ping_after": 1,
        "srv_ping": b"v6-srv-ping", "srv_ping_after": 3,
        "close": (1000, "v6 done"),
    },
    "ws_sll": {
        "file": "ws_sll.pcap", "host": "127.0.0.1", "port": 18602, "path": "/sll",
        "tool": "tcpdump", "iface": "any", "extra": ["-y", "LINUX_SLL"], "compression": None,
        "messages": ["Hello, cooked capture", bytes(range(40)), "A" * 125,
                     "The quick brown fox jumps over the lazy dog. " * 5],
        "cli_ping": b"sll-ping", "cli_ping_after": 2,
        "srv_ping": b"sll-srv-ping", "srv_ping_after": 1,
        "close": (1001, "going away"),
    },
    "ws_sll2_ipv6": {
        "file": "ws_sll2_ipv6.pcap", "host": "::1", "port": 18603, "path": "/sll2",
        "tool": "tcpdump", "iface": "any", "extra": ["-y", "LINUX_SLL2"], "compression": None,
        "messages": ["Hello, cooked capture v2", bytes(range(40)), UTF8, "C" * 300],
        "cli_ping": b"sll2-ping", "cli_ping_after": 2,
        "srv_ping": b"sll2-srv-ping", "srv_ping_after": 1,
        "close": (1000, "sll2 done"),
    },
    "ws_deflate": {
        "file": "ws_deflate.pcapng", "host": "127.0.0.1", "port": 18604, "path": "/ng",
        "tool": "dumpcap", "iface": "lo", "extra": [], "compression": "deflate",
        # similar JSON quotes (context takeover shrinks the later ones), a repeat, a
        # compressible 3000-byte text, and 65536 random bytes: the smallest payload that
        # needs the 64-bit length, and incompressible so the compressed frame needs it too.
        "messages": _quotes() + ["Hello, pcapng!", "Hello, pcapng!", bytes(range(16)),
                                 ("lorem ipsum dolor sit amet " * 200)[:3000],
                                 random.Random(18604).randbytes(65536)],
        "cli_ping": b"ng-ping", "cli_ping_after": 1,
        "srv_ping": b"ng-srv-ping", "srv_ping_after": 3,
        "close": (1000, "pcapng done"),
    },
    "ws_deflate_no_context_takeover": {
        "file": "ws_deflate_no_context_takeover.pcap", "host": "127.0.0.1", "port": 18605,
        "path": "/noctx", "tool": "tcpdump", "iface": "lo", "extra": [],
        "compression": "no_context_takeover",
        # The same similar quotes and a repeat as ws_deflate: without context takeover each
        # copy costs as much on the wire as the first (no message refers back to another).
        "messages": _quotes() + ["Hello, no context takeover!", "Hello, no context takeover!",
                                 ("lorem ipsum dolor sit amet " * 200)[:3000]],
        "cli_ping": b"nct-ping", "cli_ping_after": 1,
        "srv_ping": b"nct-srv-ping", "srv_ping_after": 3,
        "close": (1000, "no context takeover done"),
    },
}


def peer_options(sc, side):
    """websockets' keyword arguments for `side` ("server" or "client"): the compression
    setting, or, for no_context_takeover, permessage-deflate offered and accepted with both
    `server_no_context_takeover` and `client_no_context_takeover` (RFC 7692 §7.1.1)."""
    if sc["compression"] != "no_context_takeover":
        return {"compression": sc["compression"]}
    from websockets.extensions.permessage_deflate import (
        ClientPerMessageDeflateFactory, ServerPerMessageDeflateFactory)
    factory = ServerPerMessageDeflateFactory if side == "server" else ClientPerMessageDeflateFactory
    return {"compression": None,
            "extensions": [factory(server_no_context_takeover=True,
                                   client_no_context_takeover=True)]}


async def run_peers(sc):
    from websockets.asyncio.client import connect
    from websockets.asyncio.server import serve

    async def handler(ws):
        n = 0
        async for msg in ws:
            await ws.send(msg)
            n += 1
            if n == sc["srv_ping_after"]:
                await ws.ping(sc["srv_ping"])

    host = sc["host"]
    url_host = f"[{host}]" if ":" in host else host
    async with serve(handler, host, sc["port"], ping_interval=None,
                     **peer_options(sc, "server")):
        async with connect(f"ws://{url_host}:{sc['port']}{sc['path']}", ping_interval=None,
                           **peer_options(sc, "client")) as ws:
            for i, m in enumerate(sc["messages"]):
                await ws.send(m)
                echo = await ws.recv()
                assert echo == m, (i, len(echo), len(m))
                if i + 1 == sc["cli_ping_after"]:
                    await (await ws.ping(sc["cli_ping"]))
                await asyncio.sleep(0.02)
            await asyncio.sleep(0.1)
            await ws.close(*sc["close"])
        print("client closed:", ws.close_code, ws.close_reason)


def capture_cmd(sc, path):
    flt = f"tcp port {sc['port']}"
    if sc["tool"] == "tcpdump":
        return ["tcpdump", "-i", sc["iface"], "-n", "-U", "-B", "32768", "-s", "0",
                *sc["extra"], "-w", path, flt]
    return ["dumpcap", "-i", sc["iface"], "-B", "32", "-s", "0", "-f", flt, "-w", path]


def run(name):
    sc = SCENARIOS[name]
    path = os.path.join(HERE, sc["file"])
    if os.path.exists(path):
        os.unlink(path)
    proc = subprocess.Popen(capture_cmd(sc, path), stderr=subprocess.PIPE, text=True)
    # both print a line when they are capturing
    while True:
        line = proc.stderr.readline()
        if not line:
            raise SystemExit(f"{sc['tool']} did not start")
        if "listening on" in line or line.startswith("Capturing on"):
            break
    time.sleep(0.5)
    try:
        asyncio.run(run_peers(sc))
    finally:
        time.sleep(2.0)  # > libpcap's 1 s block timeout: the last block is written
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=10)
    print(f"[{name}] {path}:", " / ".join(err.strip().splitlines()[-3:]))


if __name__ == "__main__":
    for n in sys.argv[1:] or SCENARIOS:
        run(n)
