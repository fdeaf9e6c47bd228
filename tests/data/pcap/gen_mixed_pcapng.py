"""Makes two pcapng files, each three real captures of this folder merged into one section
with one interface per source, their packets interleaved in time order. Nothing but the
container changes: every packet's bytes are the source's, and its time is the source's time
plus the source's start offset (source k starts OFFSET_US * k after source 0's first packet).

ws_mixed_interfaces.pcapng: different link types and timestamp resolutions
  interface 0  Ethernet (1)      ws_ipv6.pcap       if_tsresol absent (microseconds)
  interface 1  Linux SLL (113)   ws_sll.pcap        if_tsresol 9 (nanoseconds)
  interface 2  Linux SLL2 (276)  ws_sll2_ipv6.pcap  if_tsresol 0x94 (2^-20 s, binary)

ws_mixed_resolutions.pcapng: one link type, different timestamp resolutions
  interface 0  Ethernet (1)      ws_ipv6.pcap                if_tsresol absent (microseconds)
  interface 1  Ethernet (1)      ws_chromium.pcap            if_tsresol 9 (nanoseconds)
  interface 2  Ethernet (1)      ws_fragmented_deflate.pcap  if_tsresol 0x94 (2^-20 s, binary)

usage: python3 gen_mixed_pcapng.py
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
OFFSET_US = 1000
# output: [(source file, link type, if_tsresol option value or None, units per second)]
OUTPUTS = {
    "ws_mixed_interfaces.pcapng": [
        ("ws_ipv6.pcap", 1, None, 10**6),
        ("ws_sll.pcap", 113, 9, 10**9),
        ("ws_sll2_ipv6.pcap", 276, 0x94, 2**20),
    ],
    "ws_mixed_resolutions.pcapng": [
        ("ws_ipv6.pcap", 1, None, 10**6),
        ("ws_chromium.pcap", 1, 9, 10**9),
        ("ws_fragmented_deflate.pcap", 1, 0x94, 2**20),
    ],
}


def read_pcap(path):
    """(linktype, [(t_us, frame bytes)]) of a little-endian microsecond classic pcap."""
    data = open(path, "rb").read()
    assert data[:4] == b"\xd4\xc3\xb2\xa1", "little-endian microsecond pcap"
    link = struct.unpack_from("<I", data, 20)[0]
    out, pos = [], 24
    while pos < len(data):
        sec, usec, incl, _orig = struct.unpack_from("<IIII", data, pos)
        out.append((sec * 10**6 + usec, data[pos + 16:pos + 16 + incl]))
        pos += 16 + incl
    return link, out


def block(kind, body):
    body += b"\0" * (-len(body) % 4)
    total = 12 + len(body)
    return struct.pack("<II", kind, total) + body + struct.pack("<I", total)


def option(code, value):
    return struct.pack("<HH", code, len(value)) + value + b"\0" * (-len(value) % 4)


def write(out, sources):
    shb = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1) + option(0, b""))
    idbs, packets = b"", []
    base = None
    for k, (name, link, tsresol, per_second) in enumerate(sources):
        got_link, records = read_pcap(os.path.join(HERE, name))
        assert got_link == link, (name, got_link)
        opts = b""
        if tsresol is not None:
            opts = option(9, bytes([tsresol])) + option(0, b"")
        idbs += block(1, struct.pack("<HHI", link, 0, 0) + opts)
        first = records[0][0]
        if base is None:
            base = first
        for n, (t_us, frame) in enumerate(records):
            t = base + OFFSET_US * k + (t_us - first)  # microseconds
            packets.append((t, k, n, frame, per_second))
    packets.sort(key=lambda p: (p[0], p[1], p[2]))
    epbs = b""
    for t, k, _n, frame, per_second in packets:
        units = t * per_second // 10**6
        epbs += block(6, struct.pack("<IIIII", k, units >> 32, units & 0xFFFFFFFF,
                                     len(frame), len(frame)) + frame)
    open(os.path.join(HERE, out), "wb").write(shb + idbs + epbs)
    print(f"wrote {out}: {len(packets)} packets on {len(sources)} interfaces")


def main():
    for out, sources in OUTPUTS.items():
        write(out, sources)


if __name__ == "__main__":
    main()
