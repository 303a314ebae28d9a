//! The backend-independent conformance suite (filled in below).
