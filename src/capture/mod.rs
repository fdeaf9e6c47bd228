//! Packet sources: capture files (pcap, pcapng) read with libpcap, decoded to TCP segments
//! (`packet`, pure) and reassembled into a trace through the same pipeline as the lab.

pub mod file;
pub mod live;
pub mod packet;
