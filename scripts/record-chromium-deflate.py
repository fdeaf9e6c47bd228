#!/usr/bin/env python3
"""Record assets/captures/chromium-deflate.pcapng: headless Chromium talking to a Python
`websockets` server with permessage-deflate (RFC 7692), captured on `lo` with dumpcap.

One port serves both the page (a plain HTTP answer to a request that is not an upgrade) and
the WebSocket. The conversation is driven message by message, so every recording has the
same order:

  server  "welcome to the chromium-deflate recording"
  browser "hello from chromium"                      -> server echoes it
  browser a long, repetitive text (compresses well)  -> server echoes it
  server  ping "are you there?"                      <- browser's pong (masked)
  server  "your pong arrived"
  browser "hello from chromium" again (context takeover: a few bytes)  -> echo
  browser close 1000 "done"                          <- server's close 1000

Then it writes the tshark decoding beside the capture (`chromium-deflate.tshark.txt`).

Needs: chromium, dumpcap and tshark (Debian: chromium, tshark), Python `websockets`
(pip install websockets, or Debian's python3-websockets), root or dumpcap's capabilities.
Everything listens on and connects to 127.0.0.1 only.

usage: python3 scripts/record-chromium-deflate.py [OUT.pcapng] [--port P]
"""
import argparse
import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile

from websockets.asyncio.server import serve
from websockets.datastructures import Headers
from websockets.http11 import Response

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "..", "assets", "captures", "chromium-deflate.pcapng")

HELLO = "hello from chromium"
# Long and repetitive, so permessage-deflate shrinks it to a small fraction.
LONG = " ".join(["the quick brown fox jumps over the lazy dog"] * 40)
WELCOME = "welcome to the chromium-deflate recording"
PONG_ARRIVED = "your pong arrived"
PING = b"are you there?"

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>chromium-deflate</title>
<link rel="icon" href="data:,"></head>
<body><pre id="log"></pre>
<script>
const HELLO = %(hello)s, LONG = %(long)s;
const log = (s) => { document.getElementById('log').textContent += s + '\\n'; };
const ws = new WebSocket('ws://' + location.host + '/deflate');
let got = 0;
ws.onopen = () => log('open, extensions: ' + ws.extensions);
ws.onmessage = (e) => {
  got++;
  log('recv ' + e.data.length + ' chars');
  if (got === 1) ws.send(HELLO);
  if (got === 2) ws.send(LONG);
  if (got === 4) ws.send(HELLO);
  if (got === 5) ws.close(1000, 'done');
};
ws.onclose = (e) => { log('closed ' + e.code + ' clean=' + e.wasClean); document.title = 'done'; };
</script></body></html>
""" % {"hello": repr(HELLO), "long": repr(LONG)}


def port_free(port):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        s.close()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def page(connection, request):
    """The page for a plain GET; None lets an upgrade through."""
    if request.headers.get("Upgrade", "").lower() == "websocket":
        return None
    body = PAGE.encode()
    status = (200, "OK") if request.path == "/" else (404, "Not Found")
    if status[0] != 200:
        body = b"not found\n"
    headers = Headers([
        ("Content-Type", "text/html; charset=utf-8" if status[0] == 200 else "text/plain"),
        ("Content-Length", str(len(body))),
        ("Connection", "close"),
    ])
    return Response(status[0], status[1], headers, body)


async def main(port):
    done = asyncio.Event()
    result = {}

    async def handler(ws):
        result["offer"] = ws.request.headers.get("Sec-WebSocket-Extensions")
        result["answer"] = ws.response.headers.get("Sec-WebSocket-Extensions")
        try:
            await ws.send(WELCOME)
            await ws.send(await ws.recv())  # hello
            await ws.send(await ws.recv())  # the long text
            pong = await ws.ping(PING)
            await asyncio.wait_for(pong, 10)
            await ws.send(PONG_ARRIVED)
            await ws.send(await ws.recv())  # hello again
            async for _ in ws:  # until the browser's close
                pass
        finally:
            result["close"] = (ws.close_code, ws.close_reason)
            done.set()

    profile = tempfile.mkdtemp(prefix="wirelab-chromium-")
    try:
        async with serve(handler, "127.0.0.1", port, process_request=page):
            chrome = subprocess.Popen(
                ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", f"--user-data-dir={profile}",
                 f"http://127.0.0.1:{port}/"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                await asyncio.wait_for(done.wait(), 60)
                await asyncio.sleep(0.5)  # the TCP teardown
            finally:
                chrome.terminate()
                try:
                    chrome.wait(10)
                except subprocess.TimeoutExpired:
                    chrome.kill()
                # Chromium's helper processes close their sockets after the main one exits.
                await asyncio.sleep(1.0)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return result


def capture(out, port):
    """dumpcap on lo, pcapng, this port only; returns the running process once it listens."""
    proc = subprocess.Popen(["dumpcap", "-i", "lo", "-f", f"tcp port {port}", "-w", out],
                            stderr=subprocess.PIPE, text=True)
    for line in proc.stderr:
        if "Capturing on" in line:
            return proc
    proc.kill()
    raise SystemExit("dumpcap did not start (run as root, or give dumpcap cap_net_raw)")


# The tshark fields the test compares with (one row per packet that holds WebSocket frames;
# several frames in one segment are joined with `|`).
FIELDS = ["frame.number", "tcp.stream", "tcp.srcport", "tcp.dstport", "websocket.fin",
          "websocket.rsv", "websocket.opcode", "websocket.mask", "websocket.payload_length",
          "websocket.payload.close.status_code", "websocket.payload.close.reason",
          "websocket.payload.ping", "websocket.payload.pong", "websocket.payload.text"]


def tshark_text(pcap, port):
    base = ["tshark", "-n", "-r", pcap, "-d", f"tcp.port=={port},http"]
    summary = subprocess.run(base, capture_output=True, text=True, check=True).stdout
    cmd = base + ["-Y", "websocket", "-T", "fields", "-E", "header=y", "-E", "occurrence=a",
                  "-E", "aggregator=|", "-E", "quote=n"]
    for f in FIELDS:
        cmd += ["-e", f]
    fields = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return (f"# tshark -n -r chromium-deflate.pcapng -d tcp.port=={port},http\n" + summary
            + f"\n# WebSocket frames: tshark ... -Y websocket -T fields -E header=y "
            + "-E occurrence=a -E aggregator='|' -E quote=n -e " + " -e ".join(FIELDS) + "\n"
            + fields)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("out", nargs="?", default=DEFAULT_OUT)
    ap.add_argument("--port", type=int, default=0,
                    help="the server's port (default: a free one; a busy port such as 8088 "
                    "may pick up other programs' connections)")
    args = ap.parse_args()
    out = os.path.abspath(args.out)
    if args.port == 0:
        args.port = free_port()
    if not port_free(args.port):
        raise SystemExit(f"port {args.port} is busy on 127.0.0.1; pick another with --port")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    if os.path.exists(out):
        os.unlink(out)
    dumpcap = capture(out, args.port)
    try:
        result = asyncio.run(main(args.port))
    finally:
        dumpcap.send_signal(signal.SIGINT)
        try:
            err = dumpcap.communicate(timeout=10)[1]
        except subprocess.TimeoutExpired:
            dumpcap.kill()
            err = dumpcap.communicate()[1]
    print(result)
    print(err.strip())
    if result.get("close") != (1000, "done"):
        raise SystemExit(f"the browser did not close cleanly: {result}")
    text_out = out[: -len(".pcapng")] + ".tshark.txt" if out.endswith(".pcapng") else out + ".txt"
    with open(text_out, "w") as fh:
        fh.write(tshark_text(out, args.port))
    print(f"{out}: {os.path.getsize(out)} B; {text_out}")
