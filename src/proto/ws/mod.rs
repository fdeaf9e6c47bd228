//! WebSocket (RFC 6455): frames, close codes, the opening handshake, message assembly.

pub mod close;
pub mod frame;
pub mod handshake;
pub mod message;
