//! The compiled-module cache, sealed: a `.cwasm` is native code that Wasmtime maps and runs
//! without any check of its own, so one is loaded only if this user's sweperf sealed it for
//! exactly this runtime module and this engine.
//!
//! The seal (`<module>.cwasm.hmac`) is HMAC-SHA256 under a per-user secret key
//! (`$SWEPERF_HOME/secret.key`, 0600, created once, outside the modules folder) of the runtime
//! module's SHA-256 from its manifest, the engine key and the `.cwasm`'s own SHA-256. A sidecar
//! holding only the `.cwasm`'s hash would be no check at all: whoever can replace the module
//! can replace its hash (swapping another runtime's pair ran CPython 3.11 as `python-3.12`).
//! The key and the modules are only as private as the folders holding them, so a home or
//! modules folder that other users can write to is refused. This module must not load or run
//! a module, and must not accept anything it could not verify: it discards it instead.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::{Home, sha256_file, write_atomic};
use crate::error::{Error, IoContext, Result};

/// The extension of a compiled module's seal, beside the `.cwasm`.
pub const SEAL_EXTENSION: &str = "cwasm.hmac";
/// The per-user key that seals compiled modules, in the home's root.
pub const KEY_FILE: &str = "secret.key";
const KEY_BYTES: usize = 32;
/// The sidecar of earlier versions: a bare SHA-256 of the module, which proves nothing.
const OLD_SIDECAR_EXTENSION: &str = "cwasm.sha256";
/// Separates sealed fields and versions the scheme.
const DOMAIN: &[u8] = b"sweperf compiled module v1\0";

type HmacSha256 = Hmac<Sha256>;

/// Refuses `dir` if users other than its owner may write to it.
pub(super) fn check_not_shared(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = fs::metadata(dir).context(|| format!("inspecting {}", dir.display()))?;
        let mode = meta.permissions().mode() & 0o7777;
        if mode & 0o022 != 0 {
            return Err(Error::SharedCache {
                path: dir.to_path_buf(),
                mode,
                problem: "writable by other users",
                chmod: "go-w",
            });
        }
    }
    Ok(())
}

impl Home {
    /// The folder of compiled modules, created if needed, after checking that neither it nor
    /// the home can be written by other users.
    pub(super) fn modules_dir(&self) -> Result<PathBuf> {
        let dir = self.dir("modules")?;
        check_not_shared(&self.root)?;
        check_not_shared(&dir)?;
        Ok(dir)
    }

    /// The secret key, created on first use from the system's random source.
    fn secret_key(&self) -> Result<[u8; KEY_BYTES]> {
        check_not_shared(&self.root)?;
        let path = self.root.join(KEY_FILE);
        let damaged = |what: &str| Error::BadInput {
            file: path.display().to_string(),
            message: format!("{what}; delete it and sweperf makes a new one (compiled modules are then rebuilt)"),
        };
        let read = |path: &Path| -> Result<Option<[u8; KEY_BYTES]>> {
            let mut file = match fs::File::open(path) {
                Ok(f) => f,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
                Err(e) => return Err(Error::io(format!("opening {}", path.display()), e)),
            };
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = file.metadata().context(|| format!("inspecting {}", path.display()))?.permissions().mode() & 0o7777;
                if mode & 0o077 != 0 {
                    return Err(Error::SharedCache {
                        path: path.to_path_buf(),
                        mode,
                        problem: "open to other users",
                        chmod: "600",
                    });
                }
            }
            let mut bytes = Vec::new();
            file.read_to_end(&mut bytes).context(|| format!("reading {}", path.display()))?;
            bytes.try_into().map(Some).map_err(|_| damaged(&format!("is not a {KEY_BYTES}-byte key")))
        };
        if let Some(key) = read(&path)? {
            return Ok(key);
        }
        let mut key = [0u8; KEY_BYTES];
        fs::File::open("/dev/urandom")
            .and_then(|mut r| r.read_exact(&mut key))
            .context(|| "reading a new secret key from /dev/urandom".into())?;
        // Created 0600 under a temporary name, then linked into place only if no other
        // process got there first: every process ends up with the same key.
        let mut tmp = tempfile::NamedTempFile::new_in(&self.root).context(|| format!("creating a file in {}", self.root.display()))?;
        tmp.write_all(&key).context(|| format!("writing {}", path.display()))?;
        tmp.as_file().sync_all().context(|| format!("syncing {}", path.display()))?;
        match tmp.persist_noclobber(&path) {
            Ok(_) => Ok(key),
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => read(&path)?.ok_or_else(|| damaged("vanished while being created")),
            Err(e) => Err(Error::io(format!("moving {} into place", path.display()), e.error)),
        }
    }

    fn seal_mac(&self, wasm_sha256: &str, engine_key: &str, cwasm_sha256: &str) -> Result<HmacSha256> {
        let mut mac = HmacSha256::new_from_slice(&self.secret_key()?).expect("HMAC takes keys of any length");
        for (i, part) in [wasm_sha256, engine_key, cwasm_sha256].into_iter().enumerate() {
            if i == 0 {
                mac.update(DOMAIN);
            } else {
                mac.update(b"\0");
            }
            mac.update(part.as_bytes());
        }
        Ok(mac)
    }

    /// Whether the compiled module at `cwasm` carries this user's seal for the runtime module
    /// `wasm_sha256` under the engine `engine_key`. `Ok(false)` for a missing, foreign or
    /// damaged module or seal; `Err` only for a cache that cannot be trusted at all.
    pub fn compiled_module_is_sealed(&self, cwasm: &Path, wasm_sha256: &str, engine_key: &str) -> Result<bool> {
        let Ok(seal) = fs::read_to_string(cwasm.with_extension(SEAL_EXTENSION)) else {
            return Ok(false);
        };
        let Ok(seal) = hex::decode(seal.trim()) else {
            return Ok(false);
        };
        let Ok(digest) = sha256_file(cwasm) else {
            return Ok(false);
        };
        Ok(self.seal_mac(wasm_sha256, engine_key, &digest)?.verify_slice(&seal).is_ok())
    }

    /// Writes a freshly compiled module and its seal: the seal first, so that a module is never
    /// in place with a seal that does not match it (a reader then recompiles).
    ///
    /// Errors: [`Error::Io`] when either file cannot be written; [`Error::SharedCache`] when the
    /// cache or its key is open to other users; [`Error::BadInput`] when the key file is damaged.
    pub fn store_compiled_module(&self, cwasm: &Path, bytes: &[u8], wasm_sha256: &str, engine_key: &str) -> Result<()> {
        let digest = {
            use sha2::Digest;
            hex::encode(Sha256::digest(bytes))
        };
        let seal = hex::encode(self.seal_mac(wasm_sha256, engine_key, &digest)?.finalize().into_bytes());
        write_atomic(&cwasm.with_extension(SEAL_EXTENSION), format!("{seal}\n").as_bytes())?;
        write_atomic(cwasm, bytes)?;
        let _ = fs::remove_file(cwasm.with_extension(OLD_SIDECAR_EXTENSION));
        Ok(())
    }

    /// Removes a compiled module that did not verify, with its seal.
    pub fn discard_compiled_module(&self, cwasm: &Path) {
        for path in [cwasm.to_path_buf(), cwasm.with_extension(SEAL_EXTENSION), cwasm.with_extension(OLD_SIDECAR_EXTENSION)] {
            let _ = fs::remove_file(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WASM_A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const WASM_B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    #[test]
    fn hmac_sha256_matches_rfc_4231() {
        // Test case 2 of RFC 4231.
        let mut mac = HmacSha256::new_from_slice(b"Jefe").unwrap();
        mac.update(b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac.finalize().into_bytes()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn a_seal_holds_only_for_its_runtime_engine_and_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let home = Home::new(dir.path());
        let modules = home.modules_dir().unwrap();
        let a = modules.join("a.cwasm");
        let b = modules.join("b.cwasm");
        home.store_compiled_module(&a, b"module a", WASM_A, "e1").unwrap();
        home.store_compiled_module(&b, b"module b", WASM_B, "e1").unwrap();
        assert!(home.compiled_module_is_sealed(&a, WASM_A, "e1").unwrap());
        assert!(!home.compiled_module_is_sealed(&a, WASM_B, "e1").unwrap(), "another runtime");
        assert!(!home.compiled_module_is_sealed(&a, WASM_A, "e2").unwrap(), "another engine");

        // b's module and seal copied over a's: a valid pair, but for the other runtime.
        fs::copy(&b, &a).unwrap();
        fs::copy(b.with_extension(SEAL_EXTENSION), a.with_extension(SEAL_EXTENSION)).unwrap();
        assert!(!home.compiled_module_is_sealed(&a, WASM_A, "e1").unwrap());

        // A seal recomputed as a plain hash of the bytes, as the old sidecar was.
        let plain = {
            use sha2::Digest;
            hex::encode(Sha256::digest(b"module b"))
        };
        fs::write(a.with_extension(SEAL_EXTENSION), plain).unwrap();
        assert!(!home.compiled_module_is_sealed(&a, WASM_B, "e1").unwrap());

        // A different key (another user, or a new key) invalidates every seal.
        home.store_compiled_module(&a, b"module a", WASM_A, "e1").unwrap();
        fs::remove_file(dir.path().join(KEY_FILE)).unwrap();
        assert!(!home.compiled_module_is_sealed(&a, WASM_A, "e1").unwrap());
    }

    #[cfg(unix)]
    #[test]
    fn the_key_is_private_and_a_shared_home_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let home = Home::new(dir.path().join("home"));
        let modules = home.modules_dir().unwrap();
        home.store_compiled_module(&modules.join("a.cwasm"), b"a", WASM_A, "e").unwrap();
        let key = dir.path().join("home").join(KEY_FILE);
        assert_eq!(fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600);

        for (path, mode) in [(dir.path().join("home"), 0o777), (modules.clone(), 0o775)] {
            fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
            let err = home.modules_dir().unwrap_err().to_string();
            let shown = path.display().to_string();
            assert!(err.contains(&shown) && err.contains(&format!("chmod go-w '{shown}'")), "{err}");
            fs::set_permissions(&path, fs::Permissions::from_mode(0o700)).unwrap();
        }
        fs::set_permissions(&key, fs::Permissions::from_mode(0o644)).unwrap();
        let err = home.compiled_module_is_sealed(&modules.join("a.cwasm"), WASM_A, "e").unwrap_err().to_string();
        assert!(err.contains(&format!("chmod 600 '{}'", key.display())), "{err}");
    }
}
