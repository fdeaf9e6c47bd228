//! Pure protocol dissectors with byte ranges: the teaching surface.
//!
//! Every parser is incremental: `Ok(None)` means "need more bytes". None of them does I/O.

pub mod cite;
pub mod http;
pub mod rule;
pub mod tls;
pub mod ws;

/// Which end of a connection sent some bytes. The rules differ: the client sends requests
/// and masks every WebSocket frame; the server answers and never masks (RFC 6455 §5.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// The end that opened the connection.
    Client,
    /// The end that accepted it.
    Server,
}

impl Role {
    /// "client" or "server".
    pub fn name(self) -> &'static str {
        match self {
            Role::Client => "client",
            Role::Server => "server",
        }
    }

    /// The other end of the connection.
    pub fn peer(self) -> Role {
        match self {
            Role::Client => Role::Server,
            Role::Server => Role::Client,
        }
    }
}
