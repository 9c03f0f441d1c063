//! Decoding bytes to text: UTF-8 (a byte order mark is dropped) and UTF-16 LE/BE with a byte
//! order mark. Anything else is an error naming the file, the line and the byte, with a hint:
//! guessing a legacy encoding would silently turn letters into other letters.

use std::path::Path;

use crate::error::IngestError;

/// A decoded file.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The text.
    pub text: String,
    /// The encoding found: `utf-8`, `utf-8-bom`, `utf-16le` or `utf-16be`.
    pub encoding: &'static str,
    /// Size of the file in bytes.
    pub bytes: u64,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
}

/// How far to look for NUL bytes when deciding whether a file is binary.
const BINARY_SNIFF_BYTES: usize = 8192;

/// Decodes the bytes of the file at `path`.
pub fn decode(path: &Path, bytes: &[u8]) -> Result<Decoded, IngestError> {
    use sha2::Digest;
    let sha256 = format!("{:x}", sha2::Sha256::digest(bytes));
    let size = bytes.len() as u64;
    let done = |text: String, encoding| {
        if text.trim().is_empty() {
            Err(IngestError::Empty {
                path: path.to_path_buf(),
            })
        } else {
            Ok(Decoded {
                text,
                encoding,
                bytes: size,
                sha256: sha256.clone(),
            })
        }
    };
    for (bom, encoding, name) in [
        (&[0xFF, 0xFE][..], encoding_rs::UTF_16LE, "utf-16le"),
        (&[0xFE, 0xFF][..], encoding_rs::UTF_16BE, "utf-16be"),
    ] {
        if let Some(body) = bytes.strip_prefix(bom) {
            let (text, had_errors) = encoding.decode_without_bom_handling(body);
            if had_errors {
                return Err(IngestError::Encoding {
                    path: path.to_path_buf(),
                    line: 1,
                    offset: 0,
                });
            }
            return done(text.into_owned(), name);
        }
    }
    let (body, name) = match bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        Some(body) => (body, "utf-8-bom"),
        None => (bytes, "utf-8"),
    };
    if body[..body.len().min(BINARY_SNIFF_BYTES)].contains(&0) {
        return Err(IngestError::Binary {
            path: path.to_path_buf(),
        });
    }
    match std::str::from_utf8(body) {
        Ok(text) => done(text.to_string(), name),
        Err(e) => {
            let offset = e.valid_up_to();
            let line = body[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
            Err(IngestError::Encoding {
                path: path.to_path_buf(),
                line,
                offset: offset + (bytes.len() - body.len()),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(bytes: &[u8]) -> Result<String, String> {
        decode(Path::new("f.txt"), bytes)
            .map(|d| d.text)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn decodes_utf8_and_utf16() {
        assert_eq!(text("Mujer ñ".as_bytes()).unwrap(), "Mujer ñ");
        assert_eq!(text(b"\xEF\xBB\xBFhello").unwrap(), "hello");
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("Hé".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(text(&le).unwrap(), "Hé");
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("Hé".encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(text(&be).unwrap(), "Hé");
    }

    #[test]
    fn bad_bytes_are_named() {
        assert_eq!(
            text(b"").unwrap_err(),
            "`f.txt`: empty file (expected text)"
        );
        assert_eq!(
            text(b" \n ").unwrap_err(),
            "`f.txt`: empty file (expected text)"
        );
        assert!(
            text(b"PK\x03\x04\x00\x00")
                .unwrap_err()
                .contains("binary file")
        );
        let latin1 = text(b"line one\ncaf\xE9\n").unwrap_err();
        assert!(
            latin1.starts_with("`f.txt`:2: invalid UTF-8 at byte 12"),
            "{latin1}"
        );
    }
}
