//! Bytecode, compiled once: the toolchain (pytest and its dependencies) is compiled to `.pyc`
//! by each runtime's own interpreter when the runtime is first loaded, into a copy of the site
//! folder kept in the cache and verified by its tree hash (which the fingerprint records).
//! Without it every session recompiled pytest from source: about two thirds of a small
//! session's fuel on the 3.12 runtime.
//!
//! The `.pyc` files use unchecked hashes: the source beside them never changes (the folder is
//! mounted read-only and verified), and their bytes are deterministic for a given source and
//! interpreter. This module must not write outside the cache folder it is given.

use std::path::{Path, PathBuf};

use super::{Access, LoadedRuntime, RunRequest, Sandbox};
use crate::error::{Error, Result};
use crate::runtime::{self, Home};

/// What the guest runs to compile the mounted site folder.
const COMPILE_SITE: &str = "import compileall, py_compile, sys\n\
ok = compileall.compile_dir('/sweperf/site', quiet=1, workers=1, invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)\n\
sys.exit(0 if ok else 1)\n";

/// The toolchain site of `runtime`, compiled by `runtime` (made once per runtime module and
/// toolchain, then reused).
pub(super) fn compiled_site(sandbox: &Sandbox, rt: &LoadedRuntime) -> Result<PathBuf> {
    let source = &rt.provisioned.site;
    let key = {
        let site_hash = Home::tree_marker(source)?;
        let mut material = format!("{}\n{}\n{}", rt.provisioned.manifest.module.sha256, site_hash, COMPILE_SITE);
        material.push_str(&rt.provisioned.manifest.name);
        crate::digest::sha256_hex(material.as_bytes())
    };
    let name = format!("{}-{}", rt.provisioned.manifest.name, &key[..16]);
    sandbox.home().derived_tree("site-compiled", &name, &|staging: &Path| {
        copy_site(source, staging)?;
        let mut provisioned = rt.provisioned.clone();
        provisioned.site = staging.to_path_buf();
        let compiling = LoadedRuntime {
            provisioned,
            module: rt.module.clone(),
            site_access: Access::ReadWrite,
            snapshot: None,
        };
        let outcome = sandbox.run(&compiling, &RunRequest::new(["-c", COMPILE_SITE]))?;
        if !outcome.status.success() {
            return Err(Error::BadRun(format!(
                "compiling the toolchain's bytecode on {} failed ({}): {}",
                rt.provisioned.manifest.name,
                outcome.status,
                outcome.stderr.chars().rev().take(2000).collect::<String>().chars().rev().collect::<String>()
            )));
        }
        // The marker of the source folder is not part of the compiled one.
        let _ = std::fs::remove_file(staging.join(".complete"));
        Ok(())
    })
}

fn copy_site(source: &Path, dest: &Path) -> Result<()> {
    let mut files = Vec::new();
    runtime::collect_files(source, source, &mut files)?;
    for rel in files.iter().filter(|r| r.as_str() != ".complete") {
        let to = dest.join(rel);
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(format!("creating {}", parent.display()), e))?;
        }
        std::fs::copy(source.join(rel), &to).map_err(|e| Error::io(format!("copying {rel} into {}", dest.display()), e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_site_is_compiled_where_it_is_mounted() {
        // `.pyc` files record their source's path: compiled elsewhere, tracebacks would lie.
        assert!(super::COMPILE_SITE.contains(&format!("'{}'", crate::sandbox::SITE_GUEST)));
    }
}
