//! The resources one sandbox run may use: the one [`Limits`] type that the library, instance
//! files (`[limits]`), the command line (`--fuel`, `--memory-mib`, `--timeout`, `--disk-mib`)
//! and reports all use, and the checks that turn the units people write limits in (MiB,
//! seconds) into the bytes and milliseconds a [`Limits`] holds, refusing what cannot be meant: a
//! conversion that overflows would wrap to a tiny or zero limit, and a wasm32 guest cannot
//! address more than 4 GiB of memory.
//!
//! Each check returns why a value is refused; the instance-file and flag parsers here add the
//! field or the flag. This module must not print and must not clamp a value silently.

use std::ffi::OsStr;

use serde::{Deserialize, Deserializer, Serialize};

/// The resources one run may use, in the units the sandbox counts.
///
/// Serialised (in reports' fingerprints) as these fields. Written by people in other units:
/// an instance file's `[limits]` table has `fuel`, `memory_mib`, `timeout_secs` (whole seconds)
/// and `disk_mib`, each optional ([`Limits::deserialize_table`]); the command line has
/// `--fuel N`, `--memory-mib MIB`, `--timeout SECS` (fractions allowed) and `--disk-mib MIB`
/// (this type's [`clap::Args`]). Whatever is not given is the default:
///
/// | limit | default |
/// |---|---|
/// | fuel | [`Limits::DEFAULT_FUEL`], 2e12 (several minutes of CPython) |
/// | memory | [`Limits::DEFAULT_MEMORY_MIB`], 2 GiB |
/// | deadline | [`Limits::DEFAULT_TIMEOUT_SECS`], 10 minutes of wall-clock time |
/// | output | [`Limits::DEFAULT_OUTPUT_BYTES`], 1 MiB of stdout and of stderr each |
/// | disk | [`Limits::DEFAULT_DISK_MIB`], 512 MiB written |
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, clap::Args)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Fuel (wasm instructions, roughly) before the run is stopped as out of fuel.
    #[arg(long, value_name = "N", default_value = "2000000000000", value_parser = Flag(fuel_flag), help = "Fuel budget per sandbox run")]
    pub fuel: u64,
    /// Linear memory the guest may grow to, in bytes.
    #[arg(long = "memory-mib", value_name = "MIB", default_value = "2048", value_parser = Flag(memory_mib_flag), help = "Linear memory cap per run, in MiB")]
    pub memory_bytes: u64,
    /// Wall-clock deadline, in milliseconds.
    #[arg(long = "timeout", value_name = "SECS", default_value = "600", value_parser = Flag(timeout_flag), help = "Wall-clock deadline per run, in seconds")]
    pub timeout_ms: u64,
    /// Bytes kept of stdout and of stderr each; the rest is dropped and flagged.
    #[arg(skip = Limits::DEFAULT_OUTPUT_BYTES)]
    pub output_bytes: usize,
    /// Bytes the guest may write to files, plus [`ENTRY_CHARGE`](super::ENTRY_CHARGE) per file, folder or link it
    /// creates; past it the write fails with `ENOSPC` (absent in reports older than the quota).
    #[serde(default = "default_disk_bytes")]
    #[arg(
        long = "disk-mib",
        value_name = "MIB",
        default_value = "512",
        value_parser = Flag(disk_mib_flag),
        help = "Bytes a run may write to files, in MiB (each file or folder created counts 4 KiB)"
    )]
    pub disk_bytes: u64,
}

fn default_disk_bytes() -> u64 {
    Limits::default().disk_bytes
}

impl Default for Limits {
    /// Every limit at its default (see the table on [`Limits`]).
    fn default() -> Self {
        Limits {
            fuel: Limits::DEFAULT_FUEL,
            memory_bytes: Limits::DEFAULT_MEMORY_MIB << 20,
            timeout_ms: Limits::DEFAULT_TIMEOUT_SECS * 1000,
            output_bytes: Limits::DEFAULT_OUTPUT_BYTES,
            disk_bytes: Limits::DEFAULT_DISK_MIB << 20,
        }
    }
}

/// An instance file's `[limits]` table: the same limits in the units people write.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    fuel: Option<u64>,
    memory_mib: Option<u64>,
    timeout_secs: Option<u64>,
    disk_mib: Option<u64>,
}

/// The most linear memory a wasm32 guest can address: 4 GiB.
pub const MAX_MEMORY_MIB: u64 = 4096;
/// The largest disk quota accepted, 1 PiB: anything larger is a typo, not a limit.
pub const MAX_DISK_MIB: u64 = 1 << 30;

impl Limits {
    /// The default fuel budget: 2e12, several minutes of CPython.
    pub const DEFAULT_FUEL: u64 = 2_000_000_000_000;
    /// The default memory limit, in MiB: 2 GiB.
    pub const DEFAULT_MEMORY_MIB: u64 = 2048;
    /// The default wall-clock deadline, in seconds: 10 minutes.
    pub const DEFAULT_TIMEOUT_SECS: u64 = 600;
    /// The default output kept of each of stdout and stderr, in bytes: 1 MiB.
    pub const DEFAULT_OUTPUT_BYTES: usize = 1 << 20;
    /// The default disk quota, in MiB: 512 MiB.
    pub const DEFAULT_DISK_MIB: u64 = 512;

    /// Reads an instance file's `[limits]` table (`fuel`, `memory_mib`, `timeout_secs`,
    /// `disk_mib`, each optional, nothing else) for `#[serde(deserialize_with)]`. Errors: an
    /// unknown key, or a value the checks below refuse (named as ``field `limits.memory_mib` ``).
    pub fn deserialize_table<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Limits, D::Error> {
        let t = Table::deserialize(deserializer)?;
        let field = |name: &str, checked: Result<u64, String>| checked.map_err(|why| serde::de::Error::custom(format!("field `limits.{name}`: {why}")));
        let d = Limits::default();
        Ok(Limits {
            fuel: t.fuel.unwrap_or(d.fuel),
            memory_bytes: field("memory_mib", Limits::memory_bytes_from_mib(t.memory_mib.unwrap_or(Limits::DEFAULT_MEMORY_MIB)))?,
            timeout_ms: field("timeout_secs", Limits::timeout_ms_from_whole_secs(t.timeout_secs.unwrap_or(Limits::DEFAULT_TIMEOUT_SECS)))?,
            output_bytes: d.output_bytes,
            disk_bytes: field("disk_mib", Limits::disk_bytes_from_mib(t.disk_mib.unwrap_or(Limits::DEFAULT_DISK_MIB)))?,
        })
    }

    /// `mib` MiB of guest memory in bytes: at least 1 and at most [`MAX_MEMORY_MIB`].
    ///
    /// Errors: why, when `mib` is 0 or above [`MAX_MEMORY_MIB`].
    pub fn memory_bytes_from_mib(mib: u64) -> Result<u64, String> {
        if mib == 0 || mib > MAX_MEMORY_MIB {
            return Err(format!(
                "{mib} MiB of memory is out of range; a wasm32 guest addresses 1 to {MAX_MEMORY_MIB} MiB"
            ));
        }
        Ok(mib << 20)
    }

    /// `mib` MiB of disk quota in bytes: at least 1 and at most [`MAX_DISK_MIB`].
    ///
    /// Errors: why, when `mib` is 0 or above [`MAX_DISK_MIB`].
    pub fn disk_bytes_from_mib(mib: u64) -> Result<u64, String> {
        if mib == 0 || mib > MAX_DISK_MIB {
            return Err(format!("{mib} MiB of disk is out of range; give 1 to {MAX_DISK_MIB} MiB"));
        }
        Ok(mib << 20)
    }

    /// A deadline of `secs` seconds in milliseconds: positive, finite, and at least 1 ms.
    ///
    /// Errors: why, for NaN, infinities, negatives, less than 1 ms, or more milliseconds than a
    /// `u64` holds.
    pub fn timeout_ms_from_secs(secs: f64) -> Result<u64, String> {
        let ms = secs * 1000.0;
        // `as u64` would turn NaN and negatives into 0 and saturate infinities.
        if !ms.is_finite() || ms < 1.0 || ms >= u64::MAX as f64 {
            return Err(format!("{secs} seconds is not a usable deadline; give a positive number of seconds, at least 0.001"));
        }
        Ok(ms as u64)
    }

    /// A deadline of `secs` whole seconds in milliseconds, refusing 0 and overflow.
    pub fn timeout_ms_from_whole_secs(secs: u64) -> Result<u64, String> {
        match secs.checked_mul(1000) {
            Some(ms) if ms > 0 => Ok(ms),
            _ => Err(format!("{secs} seconds is not a usable deadline; give 1 to {} seconds", u64::MAX / 1000)),
        }
    }
}

/// A limit flag's value parser: the value through one of the checks above, refused as
/// `--memory-mib 4097: why` (an [`ErrorKind::ValueValidation`](clap::error::ErrorKind), which
/// the binary reports as bad input).
#[derive(Clone)]
struct Flag(fn(&str) -> Result<u64, String>);

impl clap::builder::TypedValueParser for Flag {
    type Value = u64;

    fn parse_ref(&self, cmd: &clap::Command, arg: Option<&clap::Arg>, value: &OsStr) -> Result<u64, clap::Error> {
        let text = value.to_string_lossy();
        (self.0)(&text).map_err(|why| {
            let flag = arg.and_then(|a| a.get_long()).map_or(String::new(), |l| format!("--{l} "));
            clap::Error::raw(clap::error::ErrorKind::ValueValidation, format!("{flag}{text}: {why}\n")).with_cmd(cmd)
        })
    }
}

fn whole(text: &str, unit: &str) -> Result<u64, String> {
    text.parse().map_err(|_| format!("not a whole number of {unit}"))
}

fn fuel_flag(text: &str) -> Result<u64, String> {
    whole(text, "fuel units")
}

fn memory_mib_flag(text: &str) -> Result<u64, String> {
    Limits::memory_bytes_from_mib(whole(text, "MiB")?)
}

fn disk_mib_flag(text: &str) -> Result<u64, String> {
    Limits::disk_bytes_from_mib(whole(text, "MiB")?)
}

fn timeout_flag(text: &str) -> Result<u64, String> {
    Limits::timeout_ms_from_secs(text.parse().map_err(|_| "not a number of seconds".to_string())?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_beyond_wasm32_or_overflowing_is_refused() {
        assert_eq!(Limits::memory_bytes_from_mib(1), Ok(1 << 20));
        assert_eq!(Limits::memory_bytes_from_mib(4096), Ok(4 << 30));
        // 2^44 MiB << 20 wraps to 0 in u64: the wrap that used to give a guest no memory.
        for mib in [0, 4097, 1 << 44, u64::MAX] {
            let err = Limits::memory_bytes_from_mib(mib).unwrap_err();
            assert!(err.contains(&mib.to_string()) && err.contains("4096"), "{err}");
        }
    }

    #[test]
    fn disk_quotas_are_range_checked() {
        assert_eq!(Limits::disk_bytes_from_mib(512), Ok(512 << 20));
        for mib in [0, MAX_DISK_MIB + 1, 1 << 44, u64::MAX] {
            let err = Limits::disk_bytes_from_mib(mib).unwrap_err();
            assert!(err.contains(&format!("{mib} MiB")), "{err}");
        }
    }

    #[test]
    fn timeouts_are_range_checked() {
        assert_eq!(Limits::timeout_ms_from_secs(1.5), Ok(1500));
        for secs in [0.0, -1.0, f64::NAN, f64::INFINITY, 1e300, 0.0001] {
            assert!(Limits::timeout_ms_from_secs(secs).is_err(), "{secs}");
        }
        assert_eq!(Limits::timeout_ms_from_whole_secs(600), Ok(600_000));
        assert!(Limits::timeout_ms_from_whole_secs(0).is_err());
        assert!(Limits::timeout_ms_from_whole_secs(u64::MAX / 999).is_err());
    }

    #[derive(clap::Parser)]
    struct Cli {
        #[command(flatten)]
        limits: Limits,
    }

    fn table(text: &str) -> Result<Limits, toml::de::Error> {
        #[derive(Deserialize)]
        struct File {
            #[serde(deserialize_with = "Limits::deserialize_table")]
            limits: Limits,
        }
        toml::from_str::<File>(&format!("limits = {text}")).map(|f| f.limits)
    }

    fn flags(args: &[&str]) -> Result<Limits, clap::Error> {
        use clap::Parser;
        Cli::try_parse_from(std::iter::once("sweperf").chain(args.iter().copied())).map(|c| c.limits)
    }

    #[test]
    fn no_flags_and_an_empty_table_are_the_defaults() {
        assert_eq!(flags(&[]).unwrap(), Limits::default());
        let from_file = table("{}").unwrap();
        assert_eq!(from_file, Limits::default());
        assert_eq!(Limits::default().fuel, 2_000_000_000_000);
    }

    #[test]
    fn flags_and_tables_are_read_in_their_units() {
        let l = flags(&["--fuel", "7", "--memory-mib", "64", "--timeout", "1.5", "--disk-mib", "3"]).unwrap();
        assert_eq!((l.fuel, l.memory_bytes, l.timeout_ms, l.disk_bytes), (7, 64 << 20, 1500, 3 << 20));
        let t = table("{ fuel = 7, memory_mib = 64, timeout_secs = 2, disk_mib = 3 }").unwrap();
        assert_eq!((t.fuel, t.memory_bytes, t.timeout_ms, t.disk_bytes), (7, 64 << 20, 2000, 3 << 20));
    }

    #[test]
    fn refusals_name_the_flag_or_the_field() {
        for (args, says) in [(["--memory-mib", "4097"], "--memory-mib 4097: "), (["--timeout", "NaN"], "--timeout NaN: "), (["--disk-mib", "x"], "--disk-mib x: not a whole number")] {
            let e = flags(&args).unwrap_err();
            assert_eq!(e.kind(), clap::error::ErrorKind::ValueValidation);
            assert!(e.to_string().contains(says), "{e}");
        }
        let e = table("{ memory_mib = 0 }").unwrap_err();
        assert!(e.to_string().contains("field `limits.memory_mib`: 0 MiB"), "{e}");
        assert!(table("{ memory_bytes = 1 }").is_err());
    }
}
