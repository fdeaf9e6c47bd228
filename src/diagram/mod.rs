//! The sequence diagram as pure data: which events become rows ([`rows`]), where rows and
//! lanes go ([`layout`]: time → y, lanes, idle-gap collapsing, culling), the browser-API
//! lane's states and texts ([`api_lane`]), open spans (a held request, an open event stream:
//! [`spans`]), and the [`scene`]: everything the visible part
//! shows, with positions and semantic styles. Several diagrams can share one time axis
//! ([`aligned`]).
//!
//! Pure: plain `f32` coordinates ([`geom`]), no egui. The GUI paints a Scene and nothing else;
//! so can any other writer (SVG).

pub mod aligned;
pub mod api_lane;
pub mod geom;
pub mod layout;
pub mod rows;
pub mod scene;
pub mod spans;
