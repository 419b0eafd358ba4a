//! Turning the units people write limits in (MiB, seconds) into the bytes and milliseconds a
//! [`Limits`] holds, refusing what cannot be meant: a conversion that overflows would wrap to a
//! tiny or zero limit, and a wasm32 guest cannot address more than 4 GiB of memory.
//!
//! Each check returns why a value is refused, without naming where it came from: the caller
//! (a manifest loader, a command-line flag) adds the file and field or the flag. This module
//! must not print and must not clamp a value silently.

use super::Limits;

/// The most linear memory a wasm32 guest can address: 4 GiB.
pub const MAX_MEMORY_MIB: u64 = 4096;
/// The largest disk quota accepted, 1 PiB: anything larger is a typo, not a limit.
pub const MAX_DISK_MIB: u64 = 1 << 30;

impl Limits {
    /// `mib` MiB of guest memory in bytes: at least 1 and at most [`MAX_MEMORY_MIB`].
    pub fn memory_bytes_from_mib(mib: u64) -> Result<u64, String> {
        if mib == 0 || mib > MAX_MEMORY_MIB {
            return Err(format!(
                "{mib} MiB of memory is out of range; a wasm32 guest addresses 1 to {MAX_MEMORY_MIB} MiB"
            ));
        }
        Ok(mib << 20)
    }

    /// `mib` MiB of disk quota in bytes: at least 1 and at most [`MAX_DISK_MIB`].
    pub fn disk_bytes_from_mib(mib: u64) -> Result<u64, String> {
        if mib == 0 || mib > MAX_DISK_MIB {
            return Err(format!("{mib} MiB of disk is out of range; give 1 to {MAX_DISK_MIB} MiB"));
        }
        Ok(mib << 20)
    }

    /// A deadline of `secs` seconds in milliseconds: positive, finite, and at least 1 ms.
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
}
