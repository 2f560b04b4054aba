//! Reading the small files a client is pointed at (profile files, id-token files, root
//! certificates) as untrusted input: a regular file only (a FIFO would tie up a thread, a
//! device like `/dev/zero` would never end) and no more than a limit, checked before and
//! while reading.

use std::fmt;
use std::io::Read as _;
use std::path::Path;

/// The largest id-token file read (a Kubernetes or OIDC id token is a few KiB), in bytes.
pub const MAX_TOKEN_FILE_BYTES: u64 = 64 * 1024;

/// Why a file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FileProblem {
    /// There is no file at the path.
    Missing,
    /// The path names a directory, a FIFO, a device or a socket.
    NotARegularFile,
    /// The file holds more bytes than the limit.
    TooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
    /// Reading failed, with the system's words.
    Unreadable(String),
}

impl fmt::Display for FileProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileProblem::Missing => f.write_str("there is no such file"),
            FileProblem::NotARegularFile => f.write_str("it is not a regular file"),
            FileProblem::TooLarge { limit } => write!(f, "it is larger than {limit} bytes"),
            FileProblem::Unreadable(why) => f.write_str(why),
        }
    }
}

/// The bytes of the regular file at `path`, at most `limit` of them.
///
/// ```
/// use cloudops_core::files::{FileProblem, read_limited};
/// let dir = std::env::temp_dir().join(format!("cloudops-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let token = dir.join("token");
/// std::fs::write(&token, "eyJhbGciOi").unwrap();
/// assert_eq!(read_limited(&token, 64).unwrap(), b"eyJhbGciOi");
/// assert_eq!(read_limited(&token, 4), Err(FileProblem::TooLarge { limit: 4 }));
/// assert_eq!(read_limited(&dir, 64), Err(FileProblem::NotARegularFile));
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, FileProblem> {
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => FileProblem::Missing,
        _ => FileProblem::Unreadable(e.to_string()),
    })?;
    if !meta.is_file() {
        return Err(FileProblem::NotARegularFile);
    }
    if meta.len() > limit {
        return Err(FileProblem::TooLarge { limit });
    }
    let file = std::fs::File::open(path).map_err(|e| FileProblem::Unreadable(e.to_string()))?;
    // What is read is bounded too: the file may have grown, or been replaced, since.
    if !file.metadata().is_ok_and(|m| m.is_file()) {
        return Err(FileProblem::NotARegularFile);
    }
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| FileProblem::Unreadable(e.to_string()))?;
    if bytes.len() as u64 > limit {
        return Err(FileProblem::TooLarge { limit });
    }
    Ok(bytes)
}

/// [`read_limited`] as UTF-8 text.
pub fn read_limited_text(path: &Path, limit: u64) -> Result<String, FileProblem> {
    String::from_utf8(read_limited(path, limit)?)
        .map_err(|_| FileProblem::Unreadable("it is not UTF-8 text".to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_fifos_and_large_files_are_refused() {
        assert_eq!(
            read_limited(Path::new("/dev/zero"), 1024),
            Err(FileProblem::NotARegularFile)
        );
        assert_eq!(
            read_limited(Path::new("/nonexistent/cloudops"), 1024),
            Err(FileProblem::Missing)
        );
        let dir = std::env::temp_dir().join(format!("cloudops-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let big = dir.join("big");
        std::fs::write(&big, vec![b'a'; 2048]).unwrap();
        assert_eq!(
            read_limited(&big, 1024),
            Err(FileProblem::TooLarge { limit: 1024 })
        );
        #[cfg(unix)]
        {
            let fifo = dir.join("fifo");
            let made = std::process::Command::new("mkfifo").arg(&fifo).status();
            if made.is_ok_and(|s| s.success()) {
                assert_eq!(read_limited(&fifo, 1024), Err(FileProblem::NotARegularFile));
            }
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
