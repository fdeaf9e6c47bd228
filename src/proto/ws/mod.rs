//! WebSocket (RFC 6455): frames, close codes, the opening handshake, message assembly.

pub mod close;
pub mod deflate;
pub mod frame;
pub mod handshake;
pub mod message;

pub use close::{CloseCode, ClosePayload, parse_close_payload};
pub use frame::{
    Field, FrameError, FrameHeader, LengthForm, OpCode, Rsv1, check_header, parse_header, unmask,
};
pub use handshake::{
    AcceptDerivation, GUID, UpgradeCheck, check_upgrade, derive_accept, is_upgrade_request,
};
pub use message::{Message, MessageAssembler, validate_text};
