//! STUB: the GUI.
