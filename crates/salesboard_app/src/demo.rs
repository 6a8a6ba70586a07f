//! Demo data (written by a helper).
