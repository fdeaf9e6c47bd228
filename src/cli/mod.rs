//! STUB: command line.
