//! Is a photo an inventory names one the PDFs can embed? Checked when the
//! inventory is read, so a broken photo is an `input.file` finding in
//! `check` rather than a corrupt `honours.pdf`. The headers are read by the
//! PDF's own reader ([`crate::pdf::photo`]); a JPEG is embedded as it is, so
//! it must also run to its end-of-image marker: a photo cut short in copying
//! has a whole header and half a picture.

use std::io::Read;
use std::path::Path;

use crate::load::read;
use crate::pdf::photo;

/// A photo larger than this is not read (a phone photo is a few MB).
pub const MAX_PHOTO_BYTES: u64 = 64 * 1024 * 1024;

/// `Ok` when the photo at `path` can be embedded; otherwise why not, in (zh, en).
pub fn check(path: &Path) -> Result<(), (String, String)> {
    let file = read::open_regular(path).map_err(|e| match e {
        read::ReadError::NotRegular { kind: (zh, en) } => (
            format!("它是{zh}，不是图片文件"),
            format!("it is {en}, not an image file"),
        ),
        read::ReadError::Io(e) => (
            format!("读不出文件（{e}）"),
            format!("cannot read it ({e})"),
        ),
        other => (
            format!("读不出文件（{other:?}）"),
            format!("cannot read it ({other:?})"),
        ),
    })?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    if size > MAX_PHOTO_BYTES {
        return Err((
            format!("文件太大（{size} 字节，上限 {MAX_PHOTO_BYTES} 字节）"),
            format!("the file is too large ({size} bytes; the limit is {MAX_PHOTO_BYTES})"),
        ));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(MAX_PHOTO_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| {
            (
                format!("读不出文件（{e}）"),
                format!("cannot read it ({e})"),
            )
        })?;
    if bytes.starts_with(&[0xFF, 0xD8]) {
        if !jpeg_ends(&bytes) {
            return Err((
                "JPEG 文件不完整（没有图像结束标记），多半是拷贝时被截断了".to_owned(),
                "the JPEG is incomplete (no end-of-image marker); it was probably cut short when copied".to_owned(),
            ));
        }
        photo::jpeg(bytes).map(|_| ()).map_err(|zh| {
            (
                zh,
                "the JPEG is damaged or of an unsupported kind".to_owned(),
            )
        })
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        // The PNG is decoded whole, as the PDF will: a cut or damaged one fails here.
        photo::load(path)
            .map(|_| ())
            .map_err(|zh| (zh, "the PNG is incomplete or damaged".to_owned()))
    } else {
        Err((
            "不是 JPEG 或 PNG 图片".to_owned(),
            "it is not a JPEG or PNG image".to_owned(),
        ))
    }
}

/// Does the JPEG's first scan run to an end-of-image marker? The segments
/// before the scan are skipped by their lengths (an EXIF thumbnail's own
/// end marker must not count); in the entropy-coded data a 0xFF byte is
/// always followed by 0x00, a restart marker or a real marker, so the first
/// `FF D9` after the scan starts is the image's end.
fn jpeg_ends(bytes: &[u8]) -> bool {
    let mut at = 2;
    loop {
        while bytes.get(at) == Some(&0xFF) {
            at += 1;
        }
        let Some(&code) = bytes.get(at) else {
            return false;
        };
        at += 1;
        match code {
            0xD9 => return true,
            0x01 | 0xD0..=0xD7 => continue,
            _ => {}
        }
        let Some(len) = bytes
            .get(at..at + 2)
            .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
        else {
            return false;
        };
        at += len;
        if code == 0xDA {
            return bytes
                .get(at..)
                .is_some_and(|scan| scan.windows(2).any(|w| w == [0xFF, 0xD9]));
        }
        if bytes.get(at) != Some(&0xFF) {
            return false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SOI, an APP1 holding a whole thumbnail JPEG (with its own EOI), a
    /// SOF0, a SOS and scan data, then the end marker.
    fn jpeg() -> Vec<u8> {
        let mut b = vec![0xFF, 0xD8];
        let thumb = [0xFF, 0xD8, 0xFF, 0xDA, 0, 2, 1, 2, 0xFF, 0xD9];
        b.extend([0xFF, 0xE1]);
        b.extend(((thumb.len() + 2) as u16).to_be_bytes());
        b.extend(thumb);
        b.extend([
            0xFF, 0xC0, 0, 17, 8, 0, 16, 0, 16, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1,
        ]);
        b.extend([0xFF, 0xDA, 0, 12, 3, 1, 0, 2, 0x11, 3, 0x11, 0, 0x3F, 0]);
        b.extend([0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56]);
        b.extend([0xFF, 0xD9]);
        b
    }

    #[test]
    fn a_whole_jpeg_ends_and_a_cut_one_does_not() {
        let whole = jpeg();
        assert!(jpeg_ends(&whole));
        // Cut anywhere, even inside the thumbnail that has its own end marker.
        for cut in 2..whole.len() - 1 {
            assert!(!jpeg_ends(&whole[..cut]), "cut at {cut}");
        }
        // Bytes after the end marker (some cameras pad) are fine.
        let mut padded = whole.clone();
        padded.extend([0, 0, 0]);
        assert!(jpeg_ends(&padded));
    }
}
