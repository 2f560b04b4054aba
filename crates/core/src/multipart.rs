//! `multipart/form-data` bodies (RFC 7578), for the operations that upload a file.
//!
//! A [`Form`] holds text fields and files in the order they are added and encodes them into
//! one body with a boundary that occurs in none of them. The boundary is derived from the
//! parts themselves, so the same form always gives the same bytes (and a signature or a
//! snapshot of it stays the same).

use std::borrow::Cow;
use std::fmt;
use std::path::Path;

/// A file to upload: its name, its bytes and, when known, its media type.
///
/// `Debug` shows the name, the media type and the size, never the content.
#[derive(Clone, PartialEq, Eq)]
pub struct FormFile {
    file_name: String,
    content: Vec<u8>,
    content_type: Option<String>,
}

impl FormFile {
    /// A file named `file_name` holding `content`, without a media type.
    pub fn new(file_name: impl Into<String>, content: impl Into<Vec<u8>>) -> Self {
        FormFile {
            file_name: file_name.into(),
            content: content.into(),
            content_type: None,
        }
    }

    /// Reads the file at `path`, named by the path's last component.
    pub fn read(path: impl AsRef<Path>) -> std::io::Result<Self> {
        let path = path.as_ref();
        let content = std::fs::read(path)?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        Ok(FormFile::new(name, content))
    }

    /// The media type sent with the file (`application/vnd.ms-excel`, say).
    pub fn with_content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The file's name as sent.
    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// The file's bytes.
    pub fn content(&self) -> &[u8] {
        &self.content
    }

    /// The media type sent with the file, if any.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }
}

impl fmt::Debug for FormFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FormFile")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("bytes", &self.content.len())
            .finish()
    }
}

/// One part's value.
#[derive(Debug, Clone)]
enum Value<'a> {
    Text(Cow<'a, str>),
    File(&'a FormFile),
}

/// A `multipart/form-data` form being built.
#[derive(Debug, Clone, Default)]
pub struct Form<'a> {
    parts: Vec<(&'a str, Value<'a>)>,
}

impl<'a> Form<'a> {
    /// An empty form.
    pub fn new() -> Self {
        Form { parts: Vec::new() }
    }

    /// Adds the text field `name`.
    pub fn text(mut self, name: &'a str, value: impl Into<Cow<'a, str>>) -> Self {
        self.parts.push((name, Value::Text(value.into())));
        self
    }

    /// Adds the file field `name`.
    pub fn file(mut self, name: &'a str, file: &'a FormFile) -> Self {
        self.parts.push((name, Value::File(file)));
        self
    }

    /// The body's content type (with its boundary) and the body.
    pub fn encode(&self) -> (String, Vec<u8>) {
        let boundary = self.boundary();
        let mut body = Vec::with_capacity(
            self.parts
                .iter()
                .map(|(n, v)| {
                    n.len()
                        + boundary.len()
                        + 120
                        + match v {
                            Value::Text(t) => t.len(),
                            Value::File(f) => f.content.len() + f.file_name.len(),
                        }
                })
                .sum::<usize>()
                + boundary.len()
                + 8,
        );
        for (name, value) in &self.parts {
            body.extend_from_slice(b"--");
            body.extend_from_slice(boundary.as_bytes());
            body.extend_from_slice(b"\r\nContent-Disposition: form-data; name=\"");
            push_quoted(&mut body, name);
            body.push(b'"');
            match value {
                Value::Text(text) => {
                    body.extend_from_slice(b"\r\n\r\n");
                    body.extend_from_slice(text.as_bytes());
                }
                Value::File(file) => {
                    body.extend_from_slice(b"; filename=\"");
                    push_quoted(&mut body, &file.file_name);
                    body.push(b'"');
                    if let Some(ct) = &file.content_type {
                        body.extend_from_slice(b"\r\nContent-Type: ");
                        // A header value ends at a line break: none is sent.
                        body.extend(ct.bytes().filter(|b| *b != b'\r' && *b != b'\n'));
                    }
                    body.extend_from_slice(b"\r\n\r\n");
                    body.extend_from_slice(&file.content);
                }
            }
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(b"--");
        body.extend_from_slice(boundary.as_bytes());
        body.extend_from_slice(b"--\r\n");
        (format!("multipart/form-data; boundary={boundary}"), body)
    }

    /// A boundary found in no part: the FNV-1a hash of the parts, rehashed with a counter in
    /// the (unlikely) case that a part holds it.
    fn boundary(&self) -> String {
        self.first_free(self.hash())
    }

    /// The FNV-1a hash of every part.
    fn hash(&self) -> u64 {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        let mut feed = |bytes: &[u8]| {
            for b in bytes {
                hash ^= u64::from(*b);
                hash = hash.wrapping_mul(0x0100_0000_01b3);
            }
        };
        for (name, value) in &self.parts {
            feed(name.as_bytes());
            match value {
                Value::Text(t) => feed(t.as_bytes()),
                Value::File(f) => {
                    feed(f.file_name.as_bytes());
                    feed(&f.content);
                }
            }
        }
        hash
    }

    /// The first boundary derived from `hash` that no part holds.
    fn first_free(&self, hash: u64) -> String {
        let mut attempt: u64 = 0;
        loop {
            let candidate = format!(
                "cloudops-{:016x}",
                hash ^ attempt.wrapping_mul(0x9e37_79b9_7f4a_7c15)
            );
            let found = self.parts.iter().any(|(name, value)| {
                contains(name.as_bytes(), candidate.as_bytes())
                    || match value {
                        Value::Text(t) => contains(t.as_bytes(), candidate.as_bytes()),
                        Value::File(f) => {
                            contains(&f.content, candidate.as_bytes())
                                || contains(f.file_name.as_bytes(), candidate.as_bytes())
                        }
                    }
            });
            if !found {
                return candidate;
            }
            attempt += 1;
        }
    }
}

/// A name inside a quoted header parameter, as browsers write it: `"`, CR and LF
/// percent-encoded.
fn push_quoted(out: &mut Vec<u8>, s: &str) {
    for b in s.bytes() {
        match b {
            b'"' => out.extend_from_slice(b"%22"),
            b'\r' => out.extend_from_slice(b"%0D"),
            b'\n' => out.extend_from_slice(b"%0A"),
            other => out.push(other),
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_encodes_text_and_files_in_order() {
        let file = FormFile::new("t.xlsx", b"abc".to_vec()).with_content_type("application/x");
        let (ct, body) = Form::new()
            .text("template_type", "sync")
            .file("file", &file)
            .encode();
        let boundary = ct.strip_prefix("multipart/form-data; boundary=").unwrap();
        let expected = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"template_type\"\r\n\r\nsync\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"t.xlsx\"\r\n\
             Content-Type: application/x\r\n\r\nabc\r\n--{boundary}--\r\n"
        );
        assert_eq!(String::from_utf8(body).unwrap(), expected);
    }

    #[test]
    fn the_boundary_is_stable_and_never_in_a_part() {
        let file = FormFile::new("a", b"x".to_vec());
        let form = Form::new().file("file", &file);
        let (first, _) = form.encode();
        assert_eq!(form.encode().0, first);
        // A part that holds the first boundary a hash gives makes it take the next one.
        let taken = format!("cloudops-{:016x}", 42u64);
        let holding = Form::new().text("t", format!("x{taken}y"));
        let chosen = holding.first_free(42);
        assert_ne!(chosen, taken);
        assert!(chosen.starts_with("cloudops-"));
        assert_eq!(Form::new().text("t", "x").first_free(42), taken);
    }

    #[test]
    fn names_cannot_break_the_header() {
        let file = FormFile::new("a\"b\r\nc", b"".to_vec()).with_content_type("x\r\ny");
        let (_, body) = Form::new().file("f", &file).encode();
        let text = String::from_utf8(body).unwrap();
        assert!(text.contains("filename=\"a%22b%0D%0Ac\""));
        assert!(text.contains("Content-Type: xy\r\n"));
    }

    #[test]
    fn debug_shows_no_content() {
        let file = FormFile::new("secret.txt", b"password=hunter2".to_vec());
        let shown = format!("{file:?}");
        assert!(!shown.contains("hunter2"));
        assert!(shown.contains("bytes: 16"));
    }
}
