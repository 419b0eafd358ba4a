//! SHA-256 digests in the forms the rest of the crate records: hex of some bytes, and one hash
//! over a list of named texts (guest code, layers, fuel-moving sources).
//!
//! A leaf module: every layer may use it, so it must not import any other module of this
//! crate, and a digest's definition must never change (reports and caches store them).

use sha2::{Digest, Sha256};

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// SHA-256 over named texts, in the order given: for each, the name, a NUL byte, and the
/// SHA-256 of its content. Lower-case hex.
pub fn named_files_sha256(files: &[(&str, &str)]) -> String {
    let mut h = Sha256::new();
    for (name, text) in files {
        h.update(name.as_bytes());
        h.update([0]);
        h.update(Sha256::digest(text.as_bytes()));
    }
    hex::encode(h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_keep_their_definition() {
        assert_eq!(sha256_hex(b""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        // Name, NUL, then the content's digest: renaming a file changes the hash, and so does
        // moving bytes from one file's content into another's name.
        let a = named_files_sha256(&[("a", "bc")]);
        assert_ne!(a, named_files_sha256(&[("ab", "c")]));
        assert_ne!(a, named_files_sha256(&[("b", "bc")]));
        assert_eq!(named_files_sha256(&[]), sha256_hex(b""));
    }
}
