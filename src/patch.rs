//! Patches: parsing git-style unified diffs (several files, new, deleted and renamed files) and
//! applying them to a private copy of a repository.
//!
//! Application is all-or-nothing: every file's new content is computed in memory first and the
//! tree is touched only if all of them apply. It is tried exactly first (full context, any
//! offset, like `git apply`), then fuzzily (whitespace-insensitive, up to three context lines
//! ignored at each end of a hunk, like SWE-bench's `patch --fuzz` fallback). A patch that names a
//! path outside the tree (absolute, `..`, or through a symbolic link) is rejected whole. A file
//! the patch changes is written anew and renamed over the old one (a rename is a deletion and a
//! new file; mode changes are not applied): a tree's files are hard links to the instance's
//! snapshot, which must never be written through. This module must never write outside the tree
//! it is given, nor open an existing file of it for writing.

use std::fs;
use std::path::{Component, Path};

use serde::{Deserialize, Serialize};

/// Why a patch did not apply.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatchError {
    /// The patch changes nothing.
    #[error("the patch is empty")]
    Empty,
    #[error("the patch cannot be parsed: line {line}: {message}")]
    /// The patch is not a unified diff sweperf can read.
    Malformed {
        /// 1-based line of the patch.
        line: usize,
        /// What is wrong there.
        message: String,
    },
    #[error("the patch touches `{path}`, which is outside the repository")]
    /// A path is absolute or climbs out of the repository.
    OutsideTree {
        /// The path as the patch names it.
        path: String,
    },
    #[error("the patch touches `{path}` through a symbolic link")]
    /// A path goes through a symbolic link of the tree.
    ThroughSymlink {
        /// The path as the patch names it.
        path: String,
    },
    #[error("binary patches are not supported (`{path}`)")]
    /// A binary (`GIT binary patch`) change.
    Binary {
        /// The file it changes.
        path: String,
    },
    #[error("`{path}`: {message}")]
    /// A hunk applies neither exactly nor fuzzily.
    DoesNotApply {
        /// The file.
        path: String,
        /// Which hunk and why.
        message: String,
    },
}

/// How a patch was applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ApplyMethod {
    /// Every hunk's context matched exactly (possibly at an offset).
    Exact,
    /// Only the whitespace-insensitive or reduced-context fallback matched.
    Fuzzy,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Line {
    Context(String),
    Remove(String),
    Add(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Hunk {
    old_start: usize,
    lines: Vec<Line>,
    /// `\ No newline at end of file` after the old side's last line.
    old_no_eol: bool,
    new_no_eol: bool,
}

/// One file's part of a patch. Paths are relative to the repository root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilePatch {
    /// `None` for a new file.
    pub old_path: Option<String>,
    /// `None` for a deleted file.
    pub new_path: Option<String>,
    hunks: Vec<Hunk>,
}

/// Strips git's `a/` / `b/` prefix and any trailing tab-separated timestamp.
fn diff_path(raw: &str) -> Option<String> {
    let raw = raw.split('\t').next().unwrap_or(raw).trim_end();
    if raw == "/dev/null" {
        return None;
    }
    let raw = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')).unwrap_or(raw);
    let stripped = raw.strip_prefix("a/").or_else(|| raw.strip_prefix("b/")).unwrap_or(raw);
    Some(stripped.to_string())
}

fn parse_range(s: &str) -> Option<(usize, usize)> {
    let (start, len) = match s.split_once(',') {
        Some((a, b)) => (a.parse().ok()?, b.parse().ok()?),
        None => (s.parse().ok()?, 1),
    };
    Some((start, len))
}

/// Whether line `i` opens a hunk or another file's patch (`diff --git`, or `---`, `+++` and a
/// hunk header: a removed `-- x` and an added `++ y` line are never followed by `@@`).
fn starts_file_or_hunk(lines: &[&str], i: usize) -> bool {
    let l = lines[i];
    l.starts_with("@@ ")
        || l.starts_with("diff --git ")
        || (l.starts_with("--- ")
            && lines.get(i + 1).is_some_and(|n| n.starts_with("+++ "))
            && lines.get(i + 2).is_some_and(|n| n.starts_with("@@ ")))
}

/// The first line after a complete hunk (at `i`, past any blank lines) that can only be more of
/// that hunk: a context, added or removed line rather than a header or trailing text. git's
/// `-- ` signature line (from `format-patch`) is not a removed line.
fn excess_hunk_line(lines: &[&str], mut i: usize) -> Option<usize> {
    while i < lines.len() && lines[i].is_empty() {
        i += 1;
    }
    let l = *lines.get(i)?;
    let file_header = l.starts_with("--- ") && lines.get(i + 1).is_some_and(|n| n.starts_with("+++ "));
    if starts_file_or_hunk(lines, i) || file_header || l == "-- " {
        return None;
    }
    matches!(l.chars().next(), Some(' ' | '+' | '-')).then_some(i)
}

/// Parses a (possibly multi-file) unified diff.
///
/// Errors: [`PatchError::Malformed`] for text that is not a unified diff, [`PatchError::Binary`]
/// for a binary change.
pub fn parse(text: &str) -> Result<Vec<FilePatch>, PatchError> {
    let lines: Vec<&str> = text.lines().collect();
    let mut files: Vec<FilePatch> = Vec::new();
    let mut i = 0;
    let malformed = |line: usize, message: &str| PatchError::Malformed {
        line: line + 1,
        message: message.to_string(),
    };
    while i < lines.len() {
        let line = lines[i];
        let git_header = line.starts_with("diff --git ");
        if !git_header && !line.starts_with("--- ") {
            i += 1;
            continue;
        }
        let mut fp = FilePatch {
            old_path: None,
            new_path: None,
            hunks: Vec::new(),
        };
        if git_header {
            // `diff --git a/x b/x`: the fallback names when there are no ---/+++ lines.
            let rest = &line["diff --git ".len()..];
            if let Some(idx) = rest.find(" b/") {
                fp.old_path = diff_path(&rest[..idx]);
                fp.new_path = diff_path(&rest[idx + 1..]);
            }
            i += 1;
            while i < lines.len() && !lines[i].starts_with("diff --git ") && !lines[i].starts_with("@@") {
                let l = lines[i];
                if let Some(p) = l.strip_prefix("--- ") {
                    fp.old_path = diff_path(p);
                } else if let Some(p) = l.strip_prefix("+++ ") {
                    fp.new_path = diff_path(p);
                } else if l.starts_with("new file mode") {
                    fp.old_path = None;
                } else if l.starts_with("deleted file mode") {
                    fp.new_path = None;
                } else if let Some(p) = l.strip_prefix("rename from ") {
                    fp.old_path = Some(p.to_string());
                } else if let Some(p) = l.strip_prefix("rename to ") {
                    fp.new_path = Some(p.to_string());
                } else if l.starts_with("GIT binary patch") || l.starts_with("Binary files ") {
                    let path = fp.new_path.clone().or(fp.old_path.clone()).unwrap_or_default();
                    return Err(PatchError::Binary { path });
                }
                i += 1;
            }
        } else {
            fp.old_path = diff_path(&line[4..]);
            i += 1;
            match lines.get(i).and_then(|l| l.strip_prefix("+++ ")) {
                Some(p) => {
                    fp.new_path = diff_path(p);
                    i += 1;
                }
                None => return Err(malformed(i, "a `---` line must be followed by `+++`")),
            }
        }
        let mut hunk_no = 0;
        while i < lines.len() && lines[i].starts_with("@@") {
            hunk_no += 1;
            let header = lines[i];
            let file = fp.new_path.clone().or_else(|| fp.old_path.clone()).unwrap_or_default();
            // Every complaint about a hunk names the file, the hunk and its header.
            let bad_hunk = |line: usize, what: String| malformed(line, &format!("`{file}`, hunk {hunk_no} `{header}`: {what}"));
            let inner = header
                .strip_prefix("@@ ")
                .and_then(|h| h.split(" @@").next())
                .ok_or_else(|| bad_hunk(i, "bad hunk header".into()))?;
            let mut parts = inner.split_whitespace();
            let old = parts.next().and_then(|p| p.strip_prefix('-')).and_then(parse_range).ok_or_else(|| bad_hunk(i, "bad old range in hunk header".into()))?;
            let new = parts.next().and_then(|p| p.strip_prefix('+')).and_then(parse_range).ok_or_else(|| bad_hunk(i, "bad new range in hunk header".into()))?;
            let (mut old_left, mut new_left) = (old.1, new.1);
            let fewer = |old_left: usize, new_left: usize| {
                format!(
                    "the hunk has fewer lines than its header counts ({} old and {} new lines missing)",
                    old_left, new_left
                )
            };
            let mut hunk = Hunk {
                old_start: old.0,
                lines: Vec::new(),
                old_no_eol: false,
                new_no_eol: false,
            };
            i += 1;
            let mut last_kind = ' ';
            while i < lines.len() && (old_left > 0 || new_left > 0 || lines[i].starts_with('\\')) {
                let l = lines[i];
                // Another file's or hunk's header where this hunk still owes lines: it is short.
                if starts_file_or_hunk(&lines, i) {
                    return Err(bad_hunk(i, fewer(old_left, new_left)));
                }
                match l.chars().next() {
                    Some(' ') | None => {
                        if old_left == 0 || new_left == 0 {
                            return Err(bad_hunk(i, "the hunk has more context lines than its header counts".into()));
                        }
                        hunk.lines.push(Line::Context(l.get(1..).unwrap_or("").to_string()));
                        old_left -= 1;
                        new_left -= 1;
                        last_kind = ' ';
                    }
                    Some('-') => {
                        if old_left == 0 {
                            return Err(bad_hunk(i, "the hunk removes more lines than its header counts".into()));
                        }
                        hunk.lines.push(Line::Remove(l[1..].to_string()));
                        old_left -= 1;
                        last_kind = '-';
                    }
                    Some('+') => {
                        if new_left == 0 {
                            return Err(bad_hunk(i, "the hunk adds more lines than its header counts".into()));
                        }
                        hunk.lines.push(Line::Add(l[1..].to_string()));
                        new_left -= 1;
                        last_kind = '+';
                    }
                    Some('\\') => match last_kind {
                        '-' => hunk.old_no_eol = true,
                        '+' => hunk.new_no_eol = true,
                        _ => {
                            hunk.old_no_eol = true;
                            hunk.new_no_eol = true;
                        }
                    },
                    _ => return Err(bad_hunk(i, format!("unexpected line inside the hunk; {}", fewer(old_left, new_left)))),
                }
                i += 1;
            }
            if old_left > 0 || new_left > 0 {
                return Err(bad_hunk(i.saturating_sub(1), format!("the patch ends inside the hunk; {}", fewer(old_left, new_left))));
            }
            // Lines the header does not count would otherwise be skipped silently and the rest
            // applied "exactly": a hunk with more lines than its header says is malformed.
            if let Some(extra) = excess_hunk_line(&lines, i) {
                return Err(bad_hunk(extra, "the hunk has more lines than its header counts".into()));
            }
            fp.hunks.push(hunk);
        }
        if fp.old_path.is_none() && fp.new_path.is_none() {
            return Err(malformed(i.saturating_sub(1), "a file patch names no file"));
        }
        files.push(fp);
    }
    if files.is_empty() {
        return Err(PatchError::Empty);
    }
    Ok(files)
}

/// A file's text as lines, and whether it ends with a newline.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Text {
    lines: Vec<String>,
    final_newline: bool,
}

impl Text {
    fn parse(s: &str) -> Text {
        if s.is_empty() {
            return Text {
                lines: Vec::new(),
                final_newline: true,
            };
        }
        let final_newline = s.ends_with('\n');
        let body = s.strip_suffix('\n').unwrap_or(s);
        Text {
            lines: body.split('\n').map(String::from).collect(),
            final_newline,
        }
    }

    fn render(&self) -> String {
        let mut s = self.lines.join("\n");
        if !self.lines.is_empty() && self.final_newline {
            s.push('\n');
        }
        s
    }
}

fn normalize_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Finds where `old` matches `lines` at or after `min_pos`, nearest to `expected`.
fn find(lines: &[String], old: &[&str], expected: usize, min_pos: usize, loose: bool) -> Option<usize> {
    if old.len() > lines.len() {
        return None;
    }
    let last = lines.len() - old.len();
    let matches_at = |pos: usize| {
        old.iter().enumerate().all(|(k, o)| {
            let l = &lines[pos + k];
            if loose { normalize_ws(l) == normalize_ws(o) } else { l == o }
        })
    };
    let expected = expected.clamp(min_pos, last.max(min_pos));
    for distance in 0..=lines.len() {
        let after = expected + distance;
        if after <= last && after >= min_pos && matches_at(after) {
            return Some(after);
        }
        if distance > 0 && distance <= expected {
            let before = expected - distance;
            if before >= min_pos && before <= last && matches_at(before) {
                return Some(before);
            }
        }
        if after > last && (distance > expected || expected - distance < min_pos) {
            break;
        }
    }
    None
}

/// Applies one file's hunks to its text. `fuzz` context lines may be ignored at each end of a
/// hunk, and `loose` compares lines whitespace-insensitively.
fn apply_hunks(text: &Text, hunks: &[Hunk], fuzz: usize, loose: bool) -> Result<Text, String> {
    let mut lines = text.lines.clone();
    let mut final_newline = text.final_newline;
    let mut min_pos = 0usize;
    let mut delta: isize = 0;
    for (n, hunk) in hunks.iter().enumerate() {
        let leading = hunk.lines.iter().take_while(|l| matches!(l, Line::Context(_))).count();
        let trailing = hunk.lines.iter().rev().take_while(|l| matches!(l, Line::Context(_))).count();
        let (cut_front, cut_back) = (fuzz.min(leading), fuzz.min(trailing));
        let body = &hunk.lines[cut_front..hunk.lines.len() - cut_back];
        let old: Vec<&str> = body
            .iter()
            .filter_map(|l| match l {
                Line::Context(s) | Line::Remove(s) => Some(s.as_str()),
                Line::Add(_) => None,
            })
            .collect();
        let new: Vec<String> = body
            .iter()
            .filter_map(|l| match l {
                Line::Context(s) | Line::Add(s) => Some(s.clone()),
                Line::Remove(_) => None,
            })
            .collect();
        let expected = ((hunk.old_start.max(1) - 1 + cut_front) as isize + delta).max(0) as usize;
        // A pure insertion into an empty file has nothing to match.
        let pos = if old.is_empty() {
            if hunk.old_start == 0 { 0 } else { expected.min(lines.len()).max(min_pos) }
        } else {
            find(&lines, &old, expected, min_pos, loose).ok_or_else(|| format!("hunk {} (at line {}) does not match", n + 1, hunk.old_start))?
        };
        let touches_end = pos + old.len() == lines.len();
        lines.splice(pos..pos + old.len(), new.iter().cloned());
        if touches_end && cut_back == 0 {
            if hunk.new_no_eol {
                final_newline = false;
            } else if hunk.old_no_eol || !new.is_empty() {
                final_newline = true;
            }
        }
        min_pos = pos + new.len();
        delta += new.len() as isize - old.len() as isize;
    }
    Ok(Text { lines, final_newline })
}

/// Checks that `rel` names a place inside `root` reached through no symbolic link.
fn check_path(root: &Path, rel: &str) -> Result<(), PatchError> {
    let path = Path::new(rel);
    let inside = !rel.is_empty() && path.components().all(|c| matches!(c, Component::Normal(_)));
    if !inside {
        return Err(PatchError::OutsideTree { path: rel.to_string() });
    }
    let mut here = root.to_path_buf();
    for c in path.components() {
        here.push(c);
        match fs::symlink_metadata(&here) {
            Ok(m) if m.file_type().is_symlink() => return Err(PatchError::ThroughSymlink { path: rel.to_string() }),
            Ok(_) => {}
            Err(_) => break,
        }
    }
    Ok(())
}

enum Change {
    Write { path: String, text: String },
    Delete { path: String },
}

fn plan(root: &Path, files: &[FilePatch], fuzzy: bool) -> Result<Vec<Change>, PatchError> {
    let mut changes = Vec::new();
    for fp in files {
        let shown = fp.new_path.clone().or_else(|| fp.old_path.clone()).unwrap_or_default();
        let not_applied = |message: String| PatchError::DoesNotApply {
            path: shown.clone(),
            message,
        };
        let old_text = match &fp.old_path {
            Some(old) => {
                let full = root.join(old);
                match fs::read(&full) {
                    Ok(bytes) => Text::parse(&String::from_utf8(bytes).map_err(|_| not_applied("the file is not UTF-8 text".into()))?),
                    Err(_) => return Err(not_applied("the file does not exist".into())),
                }
            }
            None => {
                if let Some(new) = &fp.new_path
                    && root.join(new).exists()
                {
                    return Err(not_applied("the patch creates a file that already exists".into()));
                }
                Text::parse("")
            }
        };
        let attempts: &[(usize, bool)] = if fuzzy { &[(0, true), (1, true), (2, true), (3, true)] } else { &[(0, false)] };
        let mut result = Err(String::new());
        for &(fuzz, loose) in attempts {
            result = apply_hunks(&old_text, &fp.hunks, fuzz, loose);
            if result.is_ok() {
                break;
            }
        }
        let new_text = result.map_err(not_applied)?;
        match (&fp.old_path, &fp.new_path) {
            (Some(old), None) => {
                if !new_text.lines.is_empty() {
                    return Err(not_applied("deleting a file whose content the patch does not fully remove".into()));
                }
                changes.push(Change::Delete { path: old.clone() });
            }
            (old, Some(new)) => {
                if let Some(old) = old
                    && old != new
                {
                    if root.join(new).exists() {
                        return Err(not_applied(format!("renaming `{old}` onto an existing file")));
                    }
                    changes.push(Change::Delete { path: old.clone() });
                }
                changes.push(Change::Write {
                    path: new.clone(),
                    text: new_text.render(),
                });
            }
            (None, None) => unreachable!("parse rejects file patches without paths"),
        }
    }
    Ok(changes)
}

/// Applies `patch_text` to the tree at `root`: exactly if it can, else fuzzily. On error the
/// tree is unchanged.
pub fn apply(root: &Path, patch_text: &str) -> Result<ApplyMethod, PatchError> {
    if patch_text.trim().is_empty() {
        return Err(PatchError::Empty);
    }
    let files = parse(patch_text)?;
    for fp in &files {
        for p in [&fp.old_path, &fp.new_path].into_iter().flatten() {
            check_path(root, p)?;
        }
    }
    let (changes, method) = match plan(root, &files, false) {
        Ok(c) => (c, ApplyMethod::Exact),
        Err(PatchError::DoesNotApply { .. }) => (plan(root, &files, true)?, ApplyMethod::Fuzzy),
        Err(e) => return Err(e),
    };
    for change in changes {
        let io_err = |path: &str, e: std::io::Error| PatchError::DoesNotApply {
            path: path.to_string(),
            message: e.to_string(),
        };
        match change {
            Change::Delete { path } => fs::remove_file(root.join(&path)).map_err(|e| io_err(&path, e))?,
            Change::Write { path, text } => {
                let full = root.join(&path);
                if let Some(parent) = full.parent() {
                    fs::create_dir_all(parent).map_err(|e| io_err(&path, e))?;
                }
                // A new file replacing the old: the old may be the instance's own (a link).
                crate::tree::write(&full, text.as_bytes()).map_err(|e| PatchError::DoesNotApply {
                    path: path.clone(),
                    message: e.to_string(),
                })?;
            }
        }
    }
    Ok(method)
}

/// The lines a patch adds, with the file each goes to: what the patch would put in the tree.
///
/// Errors: those of [`parse`].
pub fn added_lines(patch_text: &str) -> Result<Vec<(String, String)>, PatchError> {
    let mut out = Vec::new();
    for fp in parse(patch_text)? {
        let Some(path) = fp.new_path else { continue };
        for h in &fp.hunks {
            for l in &h.lines {
                if let Line::Add(text) = l {
                    out.push((path.clone(), text.clone()));
                }
            }
        }
    }
    Ok(out)
}

/// The files a patch touches (new paths, and old paths of deletions and renames).
///
/// Errors: those of [`parse`].
pub fn touched_files(patch_text: &str) -> Result<Vec<String>, PatchError> {
    let mut out = Vec::new();
    for fp in parse(patch_text)? {
        for p in [fp.old_path, fp.new_path].into_iter().flatten() {
            if !out.contains(&p) {
                out.push(p);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (p, t) in files {
            let full = dir.path().join(p);
            fs::create_dir_all(full.parent().unwrap()).unwrap();
            fs::write(full, t).unwrap();
        }
        dir
    }

    fn read(dir: &tempfile::TempDir, p: &str) -> String {
        fs::read_to_string(dir.path().join(p)).unwrap()
    }

    const BASE: &str = "one\ntwo\nthree\nfour\nfive\nsix\nseven\n";

    #[test]
    fn modifies_creates_deletes_and_renames() {
        let dir = tree(&[("pkg/a.py", BASE), ("pkg/old.py", "x = 1\n"), ("gone.py", "bye\n")]);
        let patch = "diff --git a/pkg/a.py b/pkg/a.py\nindex 1..2 100644\n--- a/pkg/a.py\n+++ b/pkg/a.py\n@@ -2,3 +2,3 @@\n two\n-three\n+THREE\n four\n\
diff --git a/pkg/new.py b/pkg/new.py\nnew file mode 100644\n--- /dev/null\n+++ b/pkg/new.py\n@@ -0,0 +1,2 @@\n+hello\n+world\n\
diff --git a/gone.py b/gone.py\ndeleted file mode 100644\n--- a/gone.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-bye\n\
diff --git a/pkg/old.py b/pkg/renamed.py\nsimilarity index 100%\nrename from pkg/old.py\nrename to pkg/renamed.py\n";
        assert_eq!(apply(dir.path(), patch), Ok(ApplyMethod::Exact));
        assert_eq!(read(&dir, "pkg/a.py"), "one\ntwo\nTHREE\nfour\nfive\nsix\nseven\n");
        assert_eq!(read(&dir, "pkg/new.py"), "hello\nworld\n");
        assert!(!dir.path().join("gone.py").exists());
        assert_eq!(read(&dir, "pkg/renamed.py"), "x = 1\n");
        assert!(!dir.path().join("pkg/old.py").exists());
    }

    #[test]
    fn files_linked_from_elsewhere_are_replaced_not_written_through() {
        // A tree's files are hard links to the instance's snapshot.
        let snapshot = tree(&[("pkg/a.py", BASE), ("pkg/old.py", "x = 1\n"), ("gone.py", "bye\n")]);
        let dir = tree(&[]);
        for rel in ["pkg/a.py", "pkg/old.py", "gone.py"] {
            fs::create_dir_all(dir.path().join(rel).parent().unwrap()).unwrap();
            fs::hard_link(snapshot.path().join(rel), dir.path().join(rel)).unwrap();
        }
        let patch = "diff --git a/pkg/a.py b/pkg/a.py\n--- a/pkg/a.py\n+++ b/pkg/a.py\n@@ -2,3 +2,3 @@\n two\n-three\n+THREE\n four\n\
diff --git a/gone.py b/gone.py\ndeleted file mode 100644\n--- a/gone.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-bye\n\
diff --git a/pkg/old.py b/pkg/renamed.py\nsimilarity index 50%\nrename from pkg/old.py\nrename to pkg/renamed.py\n--- a/pkg/old.py\n+++ b/pkg/renamed.py\n@@ -1 +1 @@\n-x = 1\n+x = 2\n";
        assert_eq!(apply(dir.path(), patch), Ok(ApplyMethod::Exact));
        assert_eq!(read(&dir, "pkg/a.py"), BASE.replace("three", "THREE"));
        assert_eq!(read(&dir, "pkg/renamed.py"), "x = 2\n");
        for (rel, text) in [("pkg/a.py", BASE), ("pkg/old.py", "x = 1\n"), ("gone.py", "bye\n")] {
            assert_eq!(read(&snapshot, rel), text, "{rel} was written through its link");
        }
    }

    #[test]
    fn applies_at_an_offset_exactly() {
        let dir = tree(&[("a.py", &format!("zero\n{BASE}"))]);
        let patch = "--- a/a.py\n+++ b/a.py\n@@ -5,3 +5,3 @@\n four\n-five\n+FIVE\n six\n";
        assert_eq!(apply(dir.path(), patch), Ok(ApplyMethod::Exact));
        assert!(read(&dir, "a.py").contains("FIVE"));
    }

    #[test]
    fn falls_back_to_fuzzy_and_says_so() {
        let dir = tree(&[("a.py", "one\ntwo\n  three  \nfour\nFIVE-CHANGED\n")]);
        // Context differs in whitespace and in one trailing line.
        let patch = "--- a/a.py\n+++ b/a.py\n@@ -2,4 +2,4 @@\n two\n-three\n+3\n four\n five\n";
        assert_eq!(apply(dir.path(), patch), Ok(ApplyMethod::Fuzzy));
        assert_eq!(read(&dir, "a.py"), "one\ntwo\n3\nfour\nFIVE-CHANGED\n");
    }

    #[test]
    fn a_patch_that_does_not_apply_changes_nothing() {
        let dir = tree(&[("a.py", BASE), ("b.py", "b\n")]);
        let patch = "--- a/b.py\n+++ b/b.py\n@@ -1 +1 @@\n-b\n+B\n--- a/a.py\n+++ b/a.py\n@@ -1,2 +1,2 @@\n-nothing\n+like\n this\n";
        assert!(matches!(apply(dir.path(), patch), Err(PatchError::DoesNotApply { .. })));
        assert_eq!(read(&dir, "b.py"), "b\n", "the first file must not be written");
    }

    #[test]
    fn paths_outside_the_tree_are_rejected() {
        let outer = tempfile::tempdir().unwrap();
        let dir = tree(&[("a.py", BASE)]);
        std::os::unix::fs::symlink(outer.path(), dir.path().join("link")).unwrap();
        for (patch, expect_symlink) in [
            ("--- a/../evil.py\n+++ b/../evil.py\n@@ -0,0 +1 @@\n+x\n", false),
            ("--- /dev/null\n+++ /etc/evil.py\n@@ -0,0 +1 @@\n+x\n", false),
            ("--- /dev/null\n+++ b/pkg/../../evil.py\n@@ -0,0 +1 @@\n+x\n", false),
            ("--- /dev/null\n+++ b/link/evil.py\n@@ -0,0 +1 @@\n+x\n", true),
        ] {
            let err = apply(dir.path(), patch).unwrap_err();
            if expect_symlink {
                assert!(matches!(err, PatchError::ThroughSymlink { .. }), "{err}");
            } else {
                assert!(matches!(err, PatchError::OutsideTree { .. }), "{err}");
            }
        }
        assert_eq!(fs::read_dir(outer.path()).unwrap().count(), 0);
    }

    #[test]
    fn no_newline_markers_are_honoured() {
        let dir = tree(&[("a.txt", "x\ny")]);
        let patch = "--- a/a.txt\n+++ b/a.txt\n@@ -1,2 +1,2 @@\n x\n-y\n\\ No newline at end of file\n+z\n";
        apply(dir.path(), patch).unwrap();
        assert_eq!(read(&dir, "a.txt"), "x\nz\n");
    }

    /// The error a malformed hunk gets, which must name the file and the hunk.
    fn malformed_message(dir: &tempfile::TempDir, patch: &str) -> String {
        match apply(dir.path(), patch) {
            Err(PatchError::Malformed { message, .. }) => message,
            other => panic!("expected a malformed-patch error for\n{patch}\ngot {other:?}"),
        }
    }

    #[test]
    fn hunks_with_more_lines_than_their_header_are_rejected() {
        let dir = tree(&[("a.py", BASE), ("b.py", "b\n")]);
        for (patch, needle) in [
            // One `+` line more than `+2,3` counts, so the last context line is one too many.
            ("--- a/a.py\n+++ b/a.py\n@@ -2,3 +2,3 @@\n two\n-three\n+THREE\n+dropped\n four\n", "more context lines"),
            // More added lines while removed ones are still owed.
            ("--- a/a.py\n+++ b/a.py\n@@ -2,3 +2,2 @@\n two\n+THREE\n+dropped\n-three\n four\n", "adds more lines"),
            // The header's lines are all there, then one more added line.
            ("--- a/a.py\n+++ b/a.py\n@@ -2,3 +2,3 @@\n two\n-three\n+THREE\n four\n+dropped\n", "more lines than its header counts"),
            // An extra removed line, and an extra context line, after the hunk.
            ("--- a/a.py\n+++ b/a.py\n@@ -2,3 +2,3 @@\n two\n-three\n+THREE\n four\n-five\n", "more lines than its header counts"),
            ("--- a/a.py\n+++ b/a.py\n@@ -2,3 +2,3 @@\n two\n-three\n+THREE\n four\n five\n", "more lines than its header counts"),
            // ... even after a blank line, and in the second hunk of a file.
            ("--- a/a.py\n+++ b/a.py\n@@ -1,1 +1,1 @@\n-one\n+ONE\n@@ -3,1 +3,1 @@\n-three\n+THREE\n\n+dropped\n", "hunk 2 `@@ -3,1 +3,1 @@`"),
        ] {
            let message = malformed_message(&dir, patch);
            assert!(message.contains("`a.py`") && message.contains("hunk "), "names the file and the hunk: {message}");
            assert!(message.contains(needle), "expected `{needle}` in: {message}");
        }
        assert_eq!(read(&dir, "a.py"), BASE, "nothing was applied");
    }

    #[test]
    fn hunks_with_fewer_lines_than_their_header_are_rejected() {
        let dir = tree(&[("a.py", BASE), ("b.py", "b\n")]);
        for (patch, needle) in [
            // The patch ends early.
            ("--- a/a.py\n+++ b/a.py\n@@ -2,3 +2,4 @@\n two\n-three\n+THREE\n four\n", "ends inside the hunk"),
            // The next hunk's header comes early.
            ("--- a/a.py\n+++ b/a.py\n@@ -2,3 +2,4 @@\n two\n-three\n+THREE\n four\n@@ -6,1 +7,1 @@\n-six\n+SIX\n", "fewer lines"),
            // The next file comes early: its `---`/`+++` lines must not be read as this hunk's
            // removed and added lines (and its hunks applied to this file).
            ("--- a/a.py\n+++ b/a.py\n@@ -2,4 +2,4 @@\n two\n-three\n+THREE\n four\n--- a/b.py\n+++ b/b.py\n@@ -1 +1 @@\n-b\n+B\n", "fewer lines"),
            ("diff --git a/a.py b/a.py\n--- a/a.py\n+++ b/a.py\n@@ -2,4 +2,4 @@\n two\n-three\n+THREE\n four\ndiff --git a/b.py b/b.py\n--- a/b.py\n+++ b/b.py\n@@ -1 +1 @@\n-b\n+B\n", "fewer lines"),
        ] {
            let message = malformed_message(&dir, patch);
            assert!(message.contains("`a.py`, hunk 1 `@@ -2,"), "names the file and the hunk: {message}");
            assert!(message.contains(needle), "expected `{needle}` in: {message}");
        }
        assert_eq!((read(&dir, "a.py").as_str(), read(&dir, "b.py").as_str()), (BASE, "b\n"), "nothing was applied");
    }

    #[test]
    fn what_may_follow_a_complete_hunk_is_accepted() {
        // Blank lines between files, git's `format-patch` signature, and a `\` marker.
        let dir = tree(&[("a.py", BASE), ("b.txt", "x\ny")]);
        let patch = "--- a/a.py\n+++ b/a.py\n@@ -1 +1 @@\n-one\n+ONE\n\n\n--- a/b.txt\n+++ b/b.txt\n@@ -2 +2 @@\n-y\n\\ No newline at end of file\n+z\n\\ No newline at end of file\n-- \n2.43.0\n\n";
        assert_eq!(apply(dir.path(), patch), Ok(ApplyMethod::Exact));
        assert!(read(&dir, "a.py").starts_with("ONE\n"));
        assert_eq!(read(&dir, "b.txt"), "x\nz");
    }

    #[test]
    fn the_bundled_patches_still_parse() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut patches = vec![root.join("tests/fixtures/report-pipeline-copies-naive.patch"), root.join("tests/fixtures/tiny-dedupe/expert.patch")];
        for entry in fs::read_dir(root.join("instances")).unwrap() {
            let p = entry.unwrap().path().join("expert.patch");
            if p.exists() {
                patches.push(p);
            }
        }
        assert!(patches.len() > 5);
        for p in patches {
            let files = parse(&fs::read_to_string(&p).unwrap()).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            assert!(files.iter().all(|f| !f.hunks.is_empty()), "{}", p.display());
        }
    }

    #[test]
    fn empty_and_malformed_patches_are_named() {
        let dir = tree(&[("a.py", BASE)]);
        assert_eq!(apply(dir.path(), "  \n"), Err(PatchError::Empty));
        assert_eq!(apply(dir.path(), "just some text\n"), Err(PatchError::Empty));
        assert!(matches!(apply(dir.path(), "--- a/a.py\n+++ b/a.py\n@@ -1,3 +1,3 @@\n one\n"), Err(PatchError::Malformed { .. })));
    }
}
