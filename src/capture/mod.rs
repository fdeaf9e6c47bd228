//! Packet sources: capture files (`file`: pcap, pcapng) and live capture (`live`, libpcap).
//! Both decode frames with `packet` (pure: link layer, IP, TCP) into reassembly's segments and
//! reassemble them into a trace through the same pipeline as the lab.

pub mod file;
pub mod live;
pub mod packet;
