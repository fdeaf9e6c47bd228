#!/usr/bin/env python3
"""Makes the malformed capture files in this folder (run from anywhere; deterministic).

Each file exercises one kind of bad input that `wirelab inspect` must survive with a clear
message or diagnostic and without losing the rest of the file. Built from the real capture
../../../../shared/fixtures/ws_python_echo.pcap where a real conversation is needed."""
import os, struct, sys

here = os.path.dirname(os.path.abspath(__file__))
fixture = os.path.join(here, "../../../../shared/fixtures/ws_python_echo.pcap")
data = open(fixture, "rb").read()
GLOBAL = data[:24]

def records(raw):
    off = 24
    while off + 16 <= len(raw):
        ts, us, incl, orig = struct.unpack("<IIII", raw[off:off + 16])
        yield ts, us, raw[off + 16:off + 16 + incl], orig
        off += 16 + incl

def pcap(recs, linktype=1, snaplen=262144):
    out = bytearray(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, linktype))
    for ts, us, pkt, orig in recs:
        out += struct.pack("<IIII", ts, us, len(pkt), orig) + pkt
    return bytes(out)

def write(name, blob):
    open(os.path.join(here, name), "wb").write(blob)

recs = list(records(data))
full = recs
recs = recs[:20]  # the handshake, the upgrade and a few messages: enough, and small
# 1. The file stops in the middle of a packet record (a capture killed while writing).
write("truncated.pcap", data[: len(data) // 2 + 7])
# 2. Not a capture at all.
write("bad_magic.pcap", b"this is not a pcap file, just text\n" * 4)
# 3. Only the first 80 bytes of every packet were captured (snaplen 80).
write("snaplen80.pcap", pcap([(t, u, p[:80], o) for t, u, p, o in full], snaplen=80))
# 4. A link type wirelab does not decode (LINKTYPE_USER0 = 147).
write("unknown_linktype.pcap", pcap(recs[:5], linktype=147))
# 5. Packets whose IPv4 total length disagrees with what was captured: too long, too short,
#    and a header length below 20 bytes. The other packets are intact.
bad = []
for i, (t, u, p, o) in enumerate(recs):
    p = bytearray(p)
    if i == 3:
        p[16:18] = struct.pack(">H", 65000)          # claims far more than captured
    elif i == 5:
        p[16:18] = struct.pack(">H", 10)             # shorter than its own header
    elif i == 7:
        p[14] = 0x42                                 # IHL 2 (8 bytes): invalid
    bad.append((t, u, bytes(p), o))
write("bad_lengths.pcap", pcap(bad))
# 6. Non-HTTP traffic on a TCP connection: the payloads replaced by pseudo-random bytes
#    (a TLS-like stream), lengths and TCP headers unchanged.
import random
rng = random.Random(7)
def scramble(p):
    p = bytearray(p)
    ihl = (p[14] & 0x0F) * 4
    thl = (p[14 + ihl + 12] >> 4) * 4
    start = 14 + ihl + thl
    for k in range(start, len(p)):
        p[k] = rng.randrange(256)
    return bytes(p)
write("not_http.pcap", pcap([(t, u, scramble(p), o) for t, u, p, o in recs]))
# 7. Garbage on a WebSocket connection: after the real 101, every later payload scrambled.
seen_101 = False
garbage = []
for t, u, p, o in recs:
    if seen_101:
        p = scramble(p)
    elif b"101 Switching Protocols" in p:
        seen_101 = True
    garbage.append((t, u, p, o))
write("ws_garbage.pcap", pcap(garbage))
# 8. An empty capture (header only).
write("empty.pcap", pcap([]))
print("ok")
