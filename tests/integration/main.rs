//! The one integration-test binary: the sandbox, the CLI, evaluation (scripted and end to end)
//! and the cheat suite, over shared helpers in `util`.

mod util;

mod cache;
mod cli;
mod committed;
mod dataset;
mod determinism;
mod environments;
mod eval;
mod golden;
mod integrity;
mod isolation;
mod limits;
mod scripted;
mod snapshot;
mod validate;
mod verify;
