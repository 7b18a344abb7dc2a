//! Reading a source file safely: a regular file only (a FIFO, device or
//! socket is refused before anything could block on it), bounded in size,
//! UTF-8 only (a BOM, CRLF and old Mac CR line ends are fine), and a clear
//! word when the file is in another encoding.

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
    /// Not a regular file: a FIFO, a device, a socket (or a folder). `kind`
    /// names it, in (zh, en).
    NotRegular {
        kind: (&'static str, &'static str),
    },
    Io(String),
}

/// What a file that is not a regular file is, in words: (zh, en).
pub fn kind_of(ft: std::fs::FileType) -> (&'static str, &'static str) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return ("命名管道（FIFO）", "a named pipe (FIFO)");
        }
        if ft.is_socket() {
            return ("套接字（socket）", "a socket");
        }
        if ft.is_block_device() || ft.is_char_device() {
            return ("设备文件", "a device");
        }
    }
    if ft.is_dir() {
        return ("文件夹", "a folder");
    }
    if ft.is_symlink() {
        return ("符号链接", "a symbolic link");
    }
    ("特殊文件", "a special file")
}

/// Open `path` for reading without ever blocking: the type is checked first
/// (following links), and the open itself is non-blocking on Unix so that a
/// file swapped for a FIFO between the check and the open cannot hang us
/// either; the opened handle is checked again.
pub fn open_regular(path: &Path) -> Result<std::fs::File, ReadError> {
    open_sized(path).map(|(file, _)| file)
}

/// [`open_regular`], with the file's size as the opened handle gives it.
fn open_sized(path: &Path) -> Result<(std::fs::File, u64), ReadError> {
    let meta = std::fs::metadata(path).map_err(|e| ReadError::Io(e.to_string()))?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular {
            kind: kind_of(meta.file_type()),
        });
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(O_NONBLOCK);
    }
    let file = options
        .open(path)
        .map_err(|e| ReadError::Io(e.to_string()))?;
    let meta = file.metadata().map_err(|e| ReadError::Io(e.to_string()))?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular {
            kind: kind_of(meta.file_type()),
        });
    }
    Ok((file, meta.len()))
}

// O_NONBLOCK without a libc dependency: its value per platform.
#[cfg(any(target_os = "linux", target_os = "android"))]
const O_NONBLOCK: i32 = 0o4000;
#[cfg(all(unix, not(any(target_os = "linux", target_os = "android"))))]
const O_NONBLOCK: i32 = 0x0004;

/// Read a file as text: at most [`MAX_FILE_BYTES`], UTF-8 with an optional BOM.
pub fn read_text(path: &Path) -> Result<String, ReadError> {
    decode(read_bytes(path)?)
}

/// Read a regular file's bytes: at most [`MAX_FILE_BYTES`].
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, ReadError> {
    let (file, size) = open_sized(path)?;
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
    Ok(bytes)
}

/// Bytes to text: strips a UTF-8 BOM, refuses UTF-16 and legacy encodings,
/// and turns a lone CR (classic Mac OS line ends, still written by some
/// tools) into LF so the file reads as lines; CRLF stays as it is. The
/// length in bytes does not change, so byte offsets still match the file.
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
    // A CR byte is never part of a multi-byte UTF-8 or GBK character. Most
    // files have none: that is found at the speed of a byte search.
    let mut next_is_lf = false;
    let crs = if bytes.contains(&b'\r') {
        &mut bytes[..]
    } else {
        &mut []
    };
    for b in crs.iter_mut().rev() {
        let is_lf = *b == b'\n';
        if *b == b'\r' && !next_is_lf {
            *b = b'\n';
        }
        next_is_lf = is_lf;
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
    fn lone_cr_becomes_lf_and_crlf_stays() {
        assert_eq!(decode(b"a: 1\rb: 2\r".to_vec()).unwrap(), "a: 1\nb: 2\n");
        assert_eq!(decode(b"a: 1\r\nb: 2".to_vec()).unwrap(), "a: 1\r\nb: 2");
        assert_eq!(decode(b"a\r\r\nb".to_vec()).unwrap(), "a\n\r\nb");
    }

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
