//! Runtimes sweperf builds itself: a recipe in `runtimes/build/<name>/` (a build script and the
//! files beside it) whose outputs are committed zstd-compressed in its `dist/` folder and
//! compiled into the library, so a fresh machine gets exactly those bytes with no download.
//!
//! Provisioning decompresses a file into the cache through a temporary file and moves it in
//! only if the decompressed bytes hash to the manifest's SHA-256; the manifest, not the
//! compressed file, is the contract. A mount marked `extract` is a zip of a folder: verified
//! the same way, then unpacked into the cache (a `.complete` marker holding the folder's tree
//! hash is written last and checked once per process, as for the toolchain's site folder).
//! This module must not run recipes, fetch anything or run guest code.

use std::fs;
use std::io::Read;
use std::path::Path;

use sha2::{Digest, Sha256};

use super::manifest::{Committed, MountedMember, RuntimeManifest};
use super::{Home, Progress, ProgressFn, base_name, copy_verified, extract_all};
use crate::error::{Error, IoContext, Result};

/// The committed files, by path from the repository's root.
static FILES: &[(&str, &[u8])] = &[
    (
        "runtimes/build/cpython-3.11/dist/python.wasm.zst",
        include_bytes!("../../runtimes/build/cpython-3.11/dist/python.wasm.zst"),
    ),
    (
        "runtimes/build/cpython-3.11/dist/stdlib.zip.zst",
        include_bytes!("../../runtimes/build/cpython-3.11/dist/stdlib.zip.zst"),
    ),
    (
        "runtimes/build/cpython-3.13/dist/python.wasm.zst",
        include_bytes!("../../runtimes/build/cpython-3.13/dist/python.wasm.zst"),
    ),
    (
        "runtimes/build/cpython-3.13/dist/stdlib.zip.zst",
        include_bytes!("../../runtimes/build/cpython-3.13/dist/stdlib.zip.zst"),
    ),
    (
        "runtimes/build/cpython-full/dist/3.11/python.wasm.zst",
        include_bytes!("../../runtimes/build/cpython-full/dist/3.11/python.wasm.zst"),
    ),
    (
        "runtimes/build/cpython-full/dist/3.11/stdlib.zip.zst",
        include_bytes!("../../runtimes/build/cpython-full/dist/3.11/stdlib.zip.zst"),
    ),
    (
        "runtimes/build/cpython-full/dist/3.13/python.wasm.zst",
        include_bytes!("../../runtimes/build/cpython-full/dist/3.13/python.wasm.zst"),
    ),
    (
        "runtimes/build/cpython-full/dist/3.13/stdlib.zip.zst",
        include_bytes!("../../runtimes/build/cpython-full/dist/3.13/stdlib.zip.zst"),
    ),
    (
        "runtimes/build/cpython-snapshot/dist/python-reactor.wasm.zst",
        include_bytes!("../../runtimes/build/cpython-snapshot/dist/python-reactor.wasm.zst"),
    ),
];

/// The committed file names, by path from the repository's root (for listings and tests).
pub fn files() -> impl Iterator<Item = &'static str> {
    FILES.iter().map(|(p, _)| *p)
}

/// The suffix of committed (compressed) files.
pub const SUFFIX: &str = ".zst";

/// The compressed bytes of `member` of a committed runtime, as compiled into the library.
///
/// Errors: [`Error::MissingMember`] when the library was built without that member.
pub fn compressed(committed: &Committed, member: &str) -> Result<&'static [u8]> {
    let path = repo_path(&committed.dir, member);
    FILES
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, bytes)| *bytes)
        .ok_or_else(|| Error::MissingMember {
            path: committed.dir.clone().into(),
            member: member.to_string(),
        })
}

/// `member` of the recipe folder `dir`, as a path from the repository's root with `..` resolved
/// (a runtime may use the outputs of the recipe it builds on: `../cpython-full/dist/...`).
pub fn repo_path(dir: &str, member: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in dir.trim_end_matches('/').split('/').chain(member.split('/')) {
        match part {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// The name a committed member has once decompressed: `dist/python.wasm.zst` → `python.wasm`.
pub fn unpacked_name(member: &str) -> String {
    let base = member.rsplit('/').next().unwrap_or(member);
    base.strip_suffix(SUFFIX).unwrap_or(base).to_string()
}

/// Decompresses a zstd stream to `dest`, which appears only if the result hashes to `sha256`.
/// A stream that does not decode, or decodes to other bytes, is refused and nothing is written.
pub fn unpack(compressed: impl Read, dest: &Path, sha256: &str) -> Result<()> {
    let dir = dest.parent().expect("cache files live in a folder");
    fs::create_dir_all(dir).context(|| format!("creating {}", dir.display()))?;
    let bad = |e: &dyn std::fmt::Display| Error::BadInput {
        file: dest.display().to_string(),
        message: format!("the committed file does not decompress ({e}); the repository's copy is damaged"),
    };
    let mut decoder = ruzstd::decoding::StreamingDecoder::new(compressed).map_err(|e| bad(&e))?;
    copy_verified(&mut decoder, dest, sha256, &|e| bad(&e))?;
    Ok(())
}

impl Home {
    /// The folder a committed `extract` mount unpacks to, verified: `runtimes/NAME/SHA16/BASE`
    /// where BASE is the guest path's last component, so the guest sees it at `mount.guest`
    /// when its parent is mounted.
    pub(super) fn committed_tree(&self, manifest: &RuntimeManifest, mount: &MountedMember, progress: ProgressFn) -> Result<std::path::PathBuf> {
        let committed = manifest.committed.as_ref().ok_or_else(|| Error::BadManifest {
            file: manifest.name.clone(),
            message: "only a committed runtime's mounts can be extracted".into(),
        })?;
        // Staged beside, not inside, the mounted folder: a crash leaves nothing the guest sees.
        self.derived_tree(&format!("runtimes/{}/{}", manifest.name, &mount.sha256[..16]), &base_name(&mount.guest), &|staged| {
            progress(&Progress::Extracting { file: mount.member.clone() });
            let archive = tempfile::Builder::new()
                .prefix(".archive-")
                .tempfile_in(staged.parent().expect("staging folders have a parent"))
                .context(|| "creating a file for the archive".into())?;
            unpack(compressed(committed, &mount.member)?, archive.path(), &mount.sha256)?;
            extract_all(archive.path(), staged)
        })
    }
}

/// SHA-256 over a recipe's files in `repo_root/committed.dir`, by name and content, in the
/// manifest's order: which recipe a committed runtime was built by.
///
/// Errors: [`Error::Io`] when a recipe file cannot be read.
pub fn recipe_sha256(repo_root: &Path, committed: &Committed) -> Result<String> {
    let mut h = Sha256::new();
    for name in &committed.recipe {
        let path = repo_root.join(&committed.dir).join(name);
        let bytes = fs::read(&path).context(|| format!("reading {}", path.display()))?;
        h.update(name.as_bytes());
        h.update([0]);
        h.update(hex::encode(Sha256::digest(&bytes)).as_bytes());
        h.update([b'\n']);
    }
    Ok(hex::encode(h.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::builtin_runtimes;

    fn committed_runtimes() -> Vec<crate::runtime::RuntimeManifest> {
        builtin_runtimes().unwrap().into_iter().filter(|m| m.committed.is_some()).collect()
    }

    #[test]
    fn every_committed_member_is_compiled_in_and_every_file_is_used() {
        let mut used = Vec::new();
        for m in committed_runtimes() {
            let c = m.committed.as_ref().unwrap();
            let snapshot = m.snapshot.iter().map(|s| &s.member);
            for member in std::iter::once(&m.module.member).chain(m.mounts.iter().map(|x| &x.member)).chain(snapshot) {
                assert!(member.ends_with(SUFFIX), "{member}");
                compressed(c, member).unwrap();
                used.push(repo_path(&c.dir, member));
            }
        }
        for (path, _) in FILES {
            assert!(used.iter().any(|u| u == path), "{path} is compiled in but no manifest uses it");
        }
    }

    /// Editing a recipe without rebuilding and re-pinning its outputs fails here.
    #[test]
    fn manifests_name_the_recipe_in_the_repository() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        for m in committed_runtimes() {
            let c = m.committed.as_ref().unwrap();
            assert_eq!(
                recipe_sha256(root, c).unwrap(),
                c.recipe_sha256,
                "{}: the recipe in {} changed; rebuild, commit dist/ and pin the new hashes",
                m.name,
                c.dir
            );
        }
    }

    #[test]
    fn unpack_refuses_damaged_or_different_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("f");
        let hello = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
        // A zstd frame of "hello" (raw block, content checksum).
        let frame = ruzstd_frame(b"hello");
        unpack(&frame[..], &dest, hello).unwrap();
        assert_eq!(fs::read(&dest).unwrap(), b"hello");
        fs::remove_file(&dest).unwrap();

        let err = unpack(&frame[..], &dest, &"0".repeat(64)).unwrap_err();
        assert!(matches!(err, Error::HashMismatch { .. }), "{err}");
        assert!(!dest.exists());

        let mut damaged = frame.clone();
        damaged[10] ^= 0xff;
        assert!(unpack(&damaged[..], &dest, hello).is_err());
        assert!(!dest.exists());
    }

    /// A single-segment zstd frame holding `data` in one raw block, with no checksum.
    fn ruzstd_frame(data: &[u8]) -> Vec<u8> {
        let mut f = vec![0x28, 0xb5, 0x2f, 0xfd];
        f.push(0x20); // single segment, 1-byte content size
        f.push(data.len() as u8);
        let header = ((data.len() as u32) << 3) | 1; // last block, raw
        f.extend_from_slice(&header.to_le_bytes()[..3]);
        f.extend_from_slice(data);
        f
    }

    #[test]
    fn unpacked_names_drop_the_suffix() {
        assert_eq!(unpacked_name("dist/python.wasm.zst"), "python.wasm");
        assert_eq!(unpacked_name("python311.zip"), "python311.zip");
    }
}
