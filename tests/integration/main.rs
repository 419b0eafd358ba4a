//! The one integration-test binary: the sandbox, the CLI and (later) evaluation, over shared
//! helpers in `util`.

mod util;

mod cache;
mod cli;
mod committed;
mod dataset;
mod determinism;
mod environments;
mod eval;
mod isolation;
mod limits;
mod validate;
mod verify;
