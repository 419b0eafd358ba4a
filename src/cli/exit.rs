//! sweperf's exit codes, in one place (README's "Exit codes" lists the same table).

/// How a command ended, as the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: everything asked for was done, and every check passed.
    Ok,
    /// 1: the command ran and found what it looks for: `verify` differences, `validate`
    /// failures, instances `eval` could not evaluate.
    Findings,
    /// 3: bad input: a file, flag or record that cannot be used (the message names it and
    /// what to do). (2 is clap's usage error for unknown flags.)
    BadInput,
    /// 4: a determinism failure: repeated measurements of the same thing differed.
    Nondeterministic,
    /// 5: sweperf itself failed (a runtime, the sandbox, the file system).
    Internal,
    /// 125: `sweperf python`: the guest ran out of fuel, passed its deadline or memory limit,
    /// or trapped (otherwise `python` exits with the guest's own code).
    GuestStopped,
}

impl Exit {
    /// The process exit code.
    pub fn code(self) -> i32 {
        match self {
            Exit::Ok => 0,
            Exit::Findings => 1,
            Exit::BadInput => 3,
            Exit::Nondeterministic => 4,
            Exit::Internal => 5,
            Exit::GuestStopped => 125,
        }
    }

    /// The process exit code for command-line parsing that stopped: 0 for `--help` and
    /// `--version`, [`Exit::BadInput`] for a flag value a check refused (a limit out of range),
    /// else clap's usage error, 2.
    pub fn of_usage(e: &clap::Error) -> i32 {
        match e.kind() {
            clap::error::ErrorKind::ValueValidation => Exit::BadInput.code(),
            _ => e.exit_code(),
        }
    }

    /// The exit for an error that ended a command.
    pub fn of_error(e: &anyhow::Error) -> Exit {
        use sweperf::Error;
        if e.downcast_ref::<clap::Error>().is_some() {
            return Exit::BadInput;
        }
        match e.downcast_ref::<Error>() {
            Some(Error::Nondeterministic { .. }) => Exit::Nondeterministic,
            Some(Error::Io { .. } | Error::Wasmtime { .. } | Error::PipFailed { .. } | Error::PipMissing { .. } | Error::HashMismatch { .. }) => Exit::Internal,
            Some(_) => Exit::BadInput,
            // Errors raised by the binary itself are about its flags and files.
            None => Exit::BadInput,
        }
    }
}
