"""Derives captures from real-peer captures.

1. Damaged captures from the shared real-peer fixtures (../shared/fixtures/), to test how the
   dissector copes with bytes missing from a capture and with a capture that starts in the
   middle of a connection. Only whole packets are removed, and ports rewritten (with the TCP
   checksum recomputed); nothing else changes.
2. Link types Linux cannot capture (BSD/macOS loopback LINKTYPE_NULL in both byte orders, raw
   IP LINKTYPE_RAW), from the real captures of gen_linktypes.py: only the link-layer header
   of each packet is replaced; the IP packets, timestamps and packet order stay as captured.

usage: python3 derive.py [linktypes]   (linktypes: only part 2)
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.join(HERE, "..", "..", "..", "..", "shared", "fixtures")


def read_pcap(path):
    data = open(path, "rb").read()
    assert data[:4] == b"\xd4\xc3\xb2\xa1", "little-endian microsecond pcap"
    header, records, pos = data[:24], [], 24
    while pos < len(data):
        incl = struct.unpack_from("<I", data, pos + 8)[0]
        records.append(bytearray(data[pos:pos + 16 + incl]))
        pos += 16 + incl
    return header, records


def write_pcap(path, header, records):
    with open(path, "wb") as fh:
        fh.write(header)
        for r in records:
            fh.write(r)


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def rewrite_port(record, old, new):
    """Ethernet + IPv4 + TCP: replaces port `old` by `new` and fixes the TCP checksum."""
    frame = record[16:]
    ip = 14
    ihl = (frame[ip] & 0x0F) * 4
    total = struct.unpack_from("!H", frame, ip + 2)[0]
    tcp = ip + ihl
    for off in (0, 2):
        if struct.unpack_from("!H", frame, tcp + off)[0] == old:
            struct.pack_into("!H", frame, tcp + off, new)
    seg_len = total - ihl
    struct.pack_into("!H", frame, tcp + 16, 0)
    pseudo = bytes(frame[ip + 12:ip + 20]) + struct.pack("!BBH", 0, 6, seg_len)
    struct.pack_into("!H", frame, tcp + 16, checksum(pseudo + bytes(frame[tcp:tcp + seg_len])))
    record[16:] = frame


def main():
    # 1. One 1448-byte client segment inside the 70000-byte binary message is lost
    #    (frame 45 of ws_python_echo_mtu1500).
    header, recs = read_pcap(os.path.join(SHARED, "ws_python_echo_mtu1500.pcap"))
    write_pcap(os.path.join(HERE, "ws_echo_mtu1500_lost_segment.pcap"), header,
               recs[:44] + recs[45:])
    # 2. The client segment holding the whole 125-byte text frame is lost (frame 22 of
    #    ws_python_echo): the next client frame header follows the hole.
    header, recs = read_pcap(os.path.join(SHARED, "ws_python_echo.pcap"))
    write_pcap(os.path.join(HERE, "ws_echo_lost_frame.pcap"), header, recs[:21] + recs[22:])
    # 3. http_long_poll without its TCP handshake (frames 1-3), and the server's port 8088
    #    rewritten to 65000, above the client's: the capture guesses the roles from the ports
    #    (the higher one is the client's) and gets them wrong.
    header, recs = read_pcap(os.path.join(SHARED, "http_long_poll.pcap"))
    recs = recs[3:]
    for r in recs:
        rewrite_port(r, 8088, 65000)
    write_pcap(os.path.join(HERE, "http_long_poll_midstream.pcap"), header, recs)


LINKTYPE_NULL, LINKTYPE_RAW = 0, 101
# The link-layer header length of each source capture's link type.
LINK_HEADER = {1: 14, 113: 16, 276: 20}


def read_linktype(path):
    data = open(path, "rb").read()
    return struct.unpack_from("<I", data, 20)[0]


def relink(src, dst, linktype, endian="<"):
    """Rewrites every packet of the little-endian pcap `src` with link type `linktype`: the
    source's link header is removed; for NULL a 4-byte address family is written in the byte
    order `endian` (the capturing host's, as on BSD/macOS, which also writes the file header
    and record headers in that order), AF_INET 2 or AF_INET6 30 (macOS's value)."""
    header, recs = read_pcap(os.path.join(HERE, src))
    strip = LINK_HEADER[read_linktype(os.path.join(HERE, src))]
    _, vmaj, vmin, zone, sigfigs, snaplen, _ = struct.unpack("<IHHiIII", header)
    with open(os.path.join(HERE, dst), "wb") as fh:
        fh.write(struct.pack(endian + "IHHiIII", 0xA1B2C3D4, vmaj, vmin, zone, sigfigs,
                             snaplen, linktype))
        for r in recs:
            sec, usec, incl, orig = struct.unpack_from("<IIII", r, 0)
            ip = bytes(r[16 + strip:])
            link = b""
            if linktype == LINKTYPE_NULL:
                family = {4: 2, 6: 30}[ip[0] >> 4]
                link = struct.pack(endian + "I", family)
            fh.write(struct.pack(endian + "IIII", sec, usec, incl - strip + len(link),
                                 orig - strip + len(link)))
            fh.write(link + ip)


def main_linktypes():
    relink("ws_sll.pcap", "ws_null_le.pcap", LINKTYPE_NULL, "<")
    relink("ws_ipv6.pcap", "ws_null_be_ipv6.pcap", LINKTYPE_NULL, ">")
    relink("ws_sll.pcap", "ws_raw.pcap", LINKTYPE_RAW)
    relink("ws_ipv6.pcap", "ws_raw_ipv6.pcap", LINKTYPE_RAW)


if __name__ == "__main__":
    import sys
    if sys.argv[1:] != ["linktypes"]:
        main()
    main_linktypes()
