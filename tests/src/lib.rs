//! Shared helpers of the test suites.
//!
//! - [`rng`]: a small seeded pseudo-random generator (SplitMix64), so that a
//!   seed reproduces a run on every platform and every version of the crates.
//! - [`claims`]: random ID-token-like claims documents.
//! - [`exprgen`]: random JMESPath expressions, weighted towards what role
//!   mapping expressions use, lenient jmespath.js forms included.
//! - [`jsref`]: runs cases through the npm package `jmespath@0.16.0` with
//!   Node and compares its answers with the engine's.
//! - [`variants`]: one-token edits of expressions (near-misses).

pub mod claims;
pub mod exprgen;
pub mod goref;
pub mod jsref;
pub mod rng;
pub mod variants;
