//! Reading a source file safely: bounded in size, UTF-8 only (a BOM and CRLF
//! are fine), and a clear word when the file is in another encoding.

use std::io::Read;
use std::path::Path;

/// A real inventory is a few kilobytes; anything past this is not one.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

#[derive(Debug, PartialEq, Eq)]
pub enum ReadError {
    TooLarge {
        bytes: u64,
    },
    /// Not UTF-8. `line`/`column` locate the first byte that is not; `guess`
    /// names the encoding it most likely is.
    NotUtf8 {
        line: u32,
        column: u32,
        guess: Option<&'static str>,
    },
    Io(String),
}

/// Read a file as text: at most [`MAX_FILE_BYTES`], UTF-8 with an optional BOM.
pub fn read_text(path: &Path) -> Result<String, ReadError> {
    let file = std::fs::File::open(path).map_err(|e| ReadError::Io(e.to_string()))?;
    let size = file
        .metadata()
        .map_err(|e| ReadError::Io(e.to_string()))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge { bytes: size });
    }
    let mut bytes = Vec::with_capacity(size as usize);
    // `take` guards against a file that grows while it is read.
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| ReadError::Io(e.to_string()))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge {
            bytes: bytes.len() as u64,
        });
    }
    decode(bytes)
}

/// Bytes to text: strips a UTF-8 BOM, refuses UTF-16 and legacy encodings.
pub fn decode(mut bytes: Vec<u8>) -> Result<String, ReadError> {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(ReadError::NotUtf8 {
            line: 1,
            column: 1,
            guess: Some("UTF-16"),
        });
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(e) => {
            let bytes = e.as_bytes();
            let good = e.utf8_error().valid_up_to();
            let before = std::str::from_utf8(&bytes[..good]).unwrap_or_default();
            let line = before.matches('\n').count() as u32 + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
            let gbk = encoding_rs::GBK
                .decode_without_bom_handling_and_without_replacement(bytes)
                .is_some();
            Err(ReadError::NotUtf8 {
                line,
                column,
                guess: gbk.then_some("GBK"),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_is_dropped_and_gbk_is_named() {
        assert_eq!(decode(b"\xEF\xBB\xBFname: x".to_vec()).unwrap(), "name: x");
        let (gbk, _, _) = encoding_rs::GBK.encode("name: 红旗社区\n");
        match decode(gbk.into_owned()) {
            Err(ReadError::NotUtf8 {
                line,
                column,
                guess,
            }) => {
                assert_eq!((line, column, guess), (1, 7, Some("GBK")));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            decode(b"\xFF\xFEn\0".to_vec()),
            Err(ReadError::NotUtf8 {
                guess: Some("UTF-16"),
                ..
            })
        ));
    }
}
