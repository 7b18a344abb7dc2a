//! Photos for the PDFs, without an image codec: a JPEG is embedded as it is
//! (a `DCTDecode` image; its size, colour components and EXIF orientation
//! are read from its markers here), a PNG is decoded with the `png` crate to
//! 8-bit RGB (transparency flattened on white) and, when larger than
//! [`MAX_SIDE`] pixels on its long side, shrunk by box sampling.

use std::path::Path;

/// The longest side, in pixels, a decoded photo is embedded at: 1200 px is
/// 300 dpi over 100 mm, more than a thumbnail on an A3 sheet needs.
pub const MAX_SIDE: u32 = 1200;

/// The most pixels a PNG may have to be decoded at all (a 50-megapixel
/// scan still passes; a decompression bomb does not).
const MAX_PIXELS: u64 = 60_000_000;

/// A photo ready to embed.
#[derive(Clone, Debug, PartialEq)]
pub struct Photo {
    /// Stored size in pixels (before the orientation is applied).
    pub width: u32,
    pub height: u32,
    /// EXIF orientation, 1 (upright) to 8.
    pub orientation: u8,
    pub data: Data,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Data {
    /// A JPEG file's bytes, embedded unchanged.
    Jpeg {
        bytes: Vec<u8>,
        /// 1 (grey), 3 (YCbCr / RGB) or 4 (CMYK).
        components: u8,
        /// An Adobe APP14 marker: a CMYK JPEG stores inverted values.
        adobe: bool,
    },
    /// 8-bit RGB samples, row by row.
    Rgb(Vec<u8>),
}

impl Photo {
    /// The size as seen, after the EXIF orientation: (width, height).
    pub fn shown_size(&self) -> (u32, u32) {
        if self.orientation >= 5 {
            (self.height, self.width)
        } else {
            (self.width, self.height)
        }
    }

    /// The matrix that maps the image's unit square onto the unit square it
    /// is shown in, turned and mirrored as its EXIF orientation says (PDF
    /// `[a b c d e f]`, y up).
    pub fn orientation_matrix(&self) -> [f32; 6] {
        match self.orientation {
            2 => [-1.0, 0.0, 0.0, 1.0, 1.0, 0.0],
            3 => [-1.0, 0.0, 0.0, -1.0, 1.0, 1.0],
            4 => [1.0, 0.0, 0.0, -1.0, 0.0, 1.0],
            5 => [0.0, -1.0, -1.0, 0.0, 1.0, 1.0],
            6 => [0.0, -1.0, 1.0, 0.0, 0.0, 1.0],
            7 => [0.0, 1.0, 1.0, 0.0, 0.0, 0.0],
            8 => [0.0, 1.0, -1.0, 0.0, 1.0, 0.0],
            _ => [1.0, 0.0, 0.0, 1.0, 0.0, 0.0],
        }
    }
}

/// Read a photo: a JPEG or a PNG, told apart by their first bytes. The
/// error is a short reason in Chinese.
pub fn load(path: &Path) -> Result<Photo, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("读不出文件（{e}）"))?;
    if bytes.starts_with(&[0xFF, 0xD8]) {
        jpeg(bytes)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        png_photo(&bytes)
    } else {
        Err("不是 JPEG 或 PNG 图片".to_owned())
    }
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

/// A JPEG's size, components and orientation from its markers, up to the
/// frame header (SOF). Baseline, extended and progressive Huffman-coded
/// JPEGs pass through `DCTDecode`; lossless, hierarchical and arithmetic-coded
/// ones (rare, and not all readers show them) are refused.
pub fn jpeg(bytes: Vec<u8>) -> Result<Photo, String> {
    const BAD: &str = "JPEG 文件不完整或已损坏";
    let mut at = 2;
    let mut orientation = 1;
    let mut adobe = false;
    loop {
        // Markers are 0xFF, maybe padded with more 0xFF, then the code.
        if bytes.get(at) != Some(&0xFF) {
            return Err(BAD.to_owned());
        }
        while bytes.get(at) == Some(&0xFF) {
            at += 1;
        }
        let code = *bytes.get(at).ok_or(BAD)?;
        at += 1;
        if matches!(code, 0x01 | 0xD0..=0xD7) {
            continue;
        }
        if matches!(code, 0xD8..=0xDA) {
            // A second start, the end or the scan before any frame header.
            return Err(BAD.to_owned());
        }
        let len = usize::from(be16(&bytes, at).ok_or(BAD)?);
        let seg = bytes.get(at + 2..at + len).ok_or(BAD)?;
        match code {
            0xC0..=0xC2 => {
                let precision = *seg.first().ok_or(BAD)?;
                let height = be16(seg, 1).ok_or(BAD)?;
                let width = be16(seg, 3).ok_or(BAD)?;
                let components = *seg.get(5).ok_or(BAD)?;
                if precision != 8 {
                    return Err(format!("JPEG 为 {precision} 位精度，只支持 8 位"));
                }
                if width == 0 || height == 0 || !matches!(components, 1 | 3 | 4) {
                    return Err(BAD.to_owned());
                }
                return Ok(Photo {
                    width: u32::from(width),
                    height: u32::from(height),
                    orientation,
                    data: Data::Jpeg {
                        bytes,
                        components,
                        adobe,
                    },
                });
            }
            0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => {
                return Err("JPEG 为无损、分层或算术编码，请另存为普通 JPEG".to_owned());
            }
            0xE1 if seg.starts_with(b"Exif\0\0") => {
                orientation = exif_orientation(&seg[6..]).unwrap_or(1);
            }
            0xEE if seg.starts_with(b"Adobe") => adobe = true,
            _ => {}
        }
        at += len;
    }
}

/// The orientation tag (0x0112) of IFD0 of an EXIF (TIFF) block.
fn exif_orientation(tiff: &[u8]) -> Option<u8> {
    let little = match tiff.get(..4)? {
        b"II*\0" => true,
        b"MM\0*" => false,
        _ => return None,
    };
    let u16_at = |at: usize| {
        let b = [*tiff.get(at)?, *tiff.get(at + 1)?];
        Some(if little {
            u16::from_le_bytes(b)
        } else {
            u16::from_be_bytes(b)
        })
    };
    let u32_at = |at: usize| {
        let b: [u8; 4] = tiff.get(at..at + 4)?.try_into().ok()?;
        Some(if little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    };
    let ifd = u32_at(4)? as usize;
    let count = usize::from(u16_at(ifd)?);
    (0..count).find_map(|i| {
        let entry = ifd + 2 + i * 12;
        if u16_at(entry)? != 0x0112 {
            return None;
        }
        let v = u16_at(entry + 8)?;
        (1..=8).contains(&v).then_some(v as u8)
    })
}

/// A PNG decoded to 8-bit RGB on white, shrunk to [`MAX_SIDE`].
fn png_photo(bytes: &[u8]) -> Result<Photo, String> {
    let bad = |e: png::DecodingError| {
        match e {
            png::DecodingError::IoError(_) => "PNG 文件不完整",
            png::DecodingError::Format(_) => "PNG 文件已损坏",
            png::DecodingError::LimitsExceeded => "PNG 图片过大",
            png::DecodingError::Parameter(_) => "PNG 文件无法解码",
        }
        .to_owned()
    };
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(bad)?;
    let (w, h) = (reader.info().width, reader.info().height);
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(format!("PNG 图片过大（{w}×{h} 像素）"));
    }
    let size = reader
        .output_buffer_size()
        .ok_or("PNG 图片过大".to_owned())?;
    let mut buf = vec![0; size];
    let info = reader.next_frame(&mut buf).map_err(bad)?;
    let (width, height) = (info.width, info.height);
    let channels = match info.color_type {
        png::ColorType::Grayscale => 1,
        png::ColorType::GrayscaleAlpha => 2,
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        png::ColorType::Indexed => return Err("PNG 调色板未能展开".to_owned()),
    };
    if info.bit_depth != png::BitDepth::Eight {
        return Err("PNG 位深未能转换为 8 位".to_owned());
    }
    let mut rgb = Vec::with_capacity(width as usize * height as usize * 3);
    for row in buf.chunks(info.line_size).take(height as usize) {
        for px in row[..width as usize * channels].chunks_exact(channels) {
            let (c, alpha) = match channels {
                1 => ([px[0]; 3], 255),
                2 => ([px[0]; 3], px[1]),
                3 => ([px[0], px[1], px[2]], 255),
                _ => ([px[0], px[1], px[2]], px[3]),
            };
            // Over white: c·a + 255·(1 − a).
            let a = u32::from(alpha);
            rgb.extend(c.map(|v| ((u32::from(v) * a + 255 * (255 - a) + 127) / 255) as u8));
        }
    }
    let (width, height, rgb) = shrink(width, height, rgb, MAX_SIDE);
    Ok(Photo {
        width,
        height,
        orientation: 1,
        data: Data::Rgb(rgb),
    })
}

/// Shrink RGB samples so the long side is at most `max` pixels, each new
/// pixel the average of the box of old pixels it covers.
pub fn shrink(width: u32, height: u32, rgb: Vec<u8>, max: u32) -> (u32, u32, Vec<u8>) {
    let long = width.max(height);
    if long <= max {
        return (width, height, rgb);
    }
    let scale = |v: u32| ((u64::from(v) * u64::from(max)).div_ceil(u64::from(long)) as u32).max(1);
    let (nw, nh) = (scale(width), scale(height));
    let (w, h) = (width as usize, height as usize);
    let mut out = Vec::with_capacity(nw as usize * nh as usize * 3);
    for oy in 0..nh as usize {
        let y0 = oy * h / nh as usize;
        let y1 = ((oy + 1) * h / nh as usize).max(y0 + 1);
        for ox in 0..nw as usize {
            let x0 = ox * w / nw as usize;
            let x1 = ((ox + 1) * w / nw as usize).max(x0 + 1);
            let mut sum = [0u64; 3];
            for y in y0..y1 {
                for px in rgb[(y * w + x0) * 3..(y * w + x1) * 3].chunks_exact(3) {
                    for (s, &v) in sum.iter_mut().zip(px) {
                        *s += u64::from(v);
                    }
                }
            }
            let n = ((y1 - y0) * (x1 - x0)) as u64;
            out.extend(sum.map(|s| ((s + n / 2) / n) as u8));
        }
    }
    (nw, nh, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal JPEG header: SOI, an optional APP1 EXIF with the given
    /// orientation (big-endian TIFF), a SOF0 of `w`×`h`, 3 components.
    fn header(w: u16, h: u16, orientation: Option<u16>) -> Vec<u8> {
        let mut b = vec![0xFF, 0xD8];
        if let Some(o) = orientation {
            let mut tiff = b"MM\0*\0\0\0\x08\0\x01".to_vec();
            tiff.extend([0x01, 0x12, 0, 3, 0, 0, 0, 1]);
            tiff.extend(o.to_be_bytes());
            tiff.extend([0, 0, 0, 0, 0, 0]);
            let mut seg = b"Exif\0\0".to_vec();
            seg.extend(tiff);
            b.extend([0xFF, 0xE1]);
            b.extend(((seg.len() + 2) as u16).to_be_bytes());
            b.extend(seg);
        }
        b.extend([0xFF, 0xC0, 0, 17, 8]);
        b.extend(h.to_be_bytes());
        b.extend(w.to_be_bytes());
        b.extend([3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
        b.extend([0xFF, 0xD9]);
        b
    }

    #[test]
    fn jpeg_size_and_orientation() {
        let p = jpeg(header(640, 480, None)).unwrap();
        assert_eq!((p.width, p.height, p.orientation), (640, 480, 1));
        assert_eq!(p.shown_size(), (640, 480));
        let p = jpeg(header(640, 480, Some(6))).unwrap();
        assert_eq!(p.orientation, 6);
        assert_eq!(p.shown_size(), (480, 640));
        assert!(matches!(p.data, Data::Jpeg { components: 3, .. }));
    }

    #[test]
    fn broken_or_unsupported_jpegs_are_refused() {
        let h = header(640, 480, None);
        assert!(jpeg(h[..8].to_vec()).is_err());
        assert!(jpeg(vec![0xFF, 0xD8, 0xFF, 0xDA, 0, 2]).is_err());
        let mut lossless = h.clone();
        lossless[3] = 0xC3;
        assert!(jpeg(lossless).is_err());
    }

    #[test]
    fn every_orientation_maps_the_unit_square_onto_itself() {
        for o in 1..=8 {
            let p = Photo {
                width: 2,
                height: 1,
                orientation: o,
                data: Data::Rgb(vec![0; 6]),
            };
            let [a, b, c, d, e, f] = p.orientation_matrix();
            let mut corners: Vec<(i32, i32)> = [(0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (1.0, 1.0)]
                .iter()
                .map(|&(u, v)| ((a * u + c * v + e) as i32, (b * u + d * v + f) as i32))
                .collect();
            corners.sort();
            assert_eq!(corners, [(0, 0), (0, 1), (1, 0), (1, 1)], "orientation {o}");
        }
        // 6: the stored top-left corner (0, 1) is shown top-right.
        let p = Photo {
            width: 2,
            height: 1,
            orientation: 6,
            data: Data::Rgb(vec![0; 6]),
        };
        let [a, b, c, d, e, f] = p.orientation_matrix();
        assert_eq!((a * 0.0 + c + e, b * 0.0 + d + f), (1.0, 1.0));
    }

    #[test]
    fn shrinking_averages_boxes() {
        // 4×2: left half black, right half white → 2×1: black, white.
        let mut rgb = Vec::new();
        for _ in 0..2 {
            rgb.extend([0; 6]);
            rgb.extend([255; 6]);
        }
        let (w, h, out) = shrink(4, 2, rgb, 2);
        assert_eq!((w, h), (2, 1));
        assert_eq!(out, [0, 0, 0, 255, 255, 255]);
        let (w, h, _) = shrink(3000, 1000, vec![9; 3000 * 1000 * 3], 1200);
        assert_eq!((w, h), (1200, 400));
    }

    #[test]
    fn png_alpha_is_flattened_on_white() {
        let mut out = Vec::new();
        {
            let mut e = png::Encoder::new(&mut out, 2, 1);
            e.set_color(png::ColorType::Rgba);
            e.set_depth(png::BitDepth::Eight);
            let mut w = e.write_header().unwrap();
            w.write_image_data(&[255, 0, 0, 255, 0, 0, 0, 0]).unwrap();
        }
        let p = png_photo(&out).unwrap();
        assert_eq!((p.width, p.height), (2, 1));
        assert_eq!(p.data, Data::Rgb(vec![255, 0, 0, 255, 255, 255]));
    }
}
