//! Content-stream operators written straight into bytes.
//!
//! printpdf's own path (its `Op`s → lopdf `Operation`s → `Content::encode`)
//! allocates an object per operand and formats every number through `f32`'s
//! `Display`; in a county build that was a quarter of the PDFs' time. Here
//! numbers are written with integer arithmetic at a fixed precision, no
//! trailing zeros, into one growing buffer. printpdf still writes the
//! document around the streams (fonts, resources, outlines, metadata), see
//! [`super::doc::Doc::save`].

/// A real with at most 3 decimals (coordinates in points or drawing units:
/// a thousandth of a point is far below any printer's resolution).
pub fn num(out: &mut Vec<u8>, v: f32) {
    fixed(out, v, 3);
}

/// A real with at most 6 decimals: the linear part of a matrix, where a
/// small scale (1:250 of a sign drawn in millimetres) still needs four
/// significant digits.
pub fn fine(out: &mut Vec<u8>, v: f32) {
    fixed(out, v, 6);
}

const POW10: [u64; 7] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];

fn fixed(out: &mut Vec<u8>, v: f32, decimals: usize) {
    let scale = POW10[decimals];
    let n = (f64::from(v) * scale as f64).round();
    // NaN and infinities do not occur in our drawings; a bad value must
    // still not make an invalid stream.
    if !n.is_finite() || n == 0.0 {
        out.push(b'0');
        return;
    }
    let n = n.clamp(-9.0e15, 9.0e15) as i64;
    if n < 0 {
        out.push(b'-');
    }
    let a = n.unsigned_abs();
    uint(out, a / scale);
    let mut frac = a % scale;
    if frac != 0 {
        let mut digits = decimals;
        while frac.is_multiple_of(10) {
            frac /= 10;
            digits -= 1;
        }
        out.push(b'.');
        let mut buf = [b'0'; 6];
        let mut i = digits;
        while frac > 0 {
            i -= 1;
            buf[i] = b'0' + (frac % 10) as u8;
            frac /= 10;
        }
        out.extend_from_slice(&buf[..digits]);
    }
}

/// A non-negative integer.
pub fn uint(out: &mut Vec<u8>, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// Numbers each followed by a space, then the operator and a newline.
pub fn op(out: &mut Vec<u8>, args: &[f32], operator: &[u8]) {
    for &a in args {
        num(out, a);
        out.push(b' ');
    }
    out.extend_from_slice(operator);
    out.push(b'\n');
}

/// A matrix operand list (`cm`, `Tm`): linear part fine, translation in 3 decimals.
pub fn matrix(out: &mut Vec<u8>, m: [f32; 6], operator: &[u8]) {
    for (i, &a) in m.iter().enumerate() {
        if i < 4 {
            fine(out, a);
        } else {
            num(out, a);
        }
        out.push(b' ');
    }
    out.extend_from_slice(operator);
    out.push(b'\n');
}

/// A fill (`rg`/`k`) or stroke (`RG`/`K`) colour: components 0–1, 4 decimals
/// (a 255th is 0.0039, so every 8-bit value survives).
pub fn colour(out: &mut Vec<u8>, components: &[f32], operator: &[u8]) {
    for &c in components {
        fixed(out, c.clamp(0.0, 1.0), 4);
        out.push(b' ');
    }
    out.extend_from_slice(operator);
    out.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(f: impl Fn(&mut Vec<u8>)) -> String {
        let mut v = Vec::new();
        f(&mut v);
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn numbers_are_short_and_exact_to_their_precision() {
        assert_eq!(s(|o| num(o, 0.0)), "0");
        assert_eq!(s(|o| num(o, -0.0001)), "0");
        assert_eq!(s(|o| num(o, 12.0)), "12");
        assert_eq!(s(|o| num(o, -12.5)), "-12.5");
        assert_eq!(s(|o| num(o, 0.05)), "0.05");
        assert_eq!(s(|o| num(o, 1190.5512)), "1190.551");
        assert_eq!(s(|o| num(o, -0.0006)), "-0.001");
        assert_eq!(s(|o| num(o, 2.0004)), "2");
        assert_eq!(s(|o| num(o, 14400.0)), "14400");
        assert_eq!(s(|o| fine(o, 0.011338583)), "0.011339");
        assert_eq!(s(|o| fine(o, 1.0)), "1");
        assert_eq!(s(|o| num(o, f32::NAN)), "0");
        assert_eq!(s(|o| num(o, f32::INFINITY)), "0");
        assert_eq!(s(|o| uint(o, 0)), "0");
        assert_eq!(s(|o| uint(o, 907)), "907");
    }

    #[test]
    fn numbers_read_back_within_their_precision() {
        for i in -20_000..20_000 {
            let v = i as f32 * 0.7331;
            let text = s(|o| num(o, v));
            let back: f64 = text.parse().unwrap();
            assert!((back - f64::from(v)).abs() <= 0.0005 + 1e-9, "{v} → {text}");
            assert!(!text.ends_with('0') || !text.contains('.'), "{text}");
        }
    }

    #[test]
    fn operators_and_colours() {
        assert_eq!(s(|o| op(o, &[1.0, 2.5], b"m")), "1 2.5 m\n");
        assert_eq!(
            s(|o| matrix(o, [0.5, 0.0, 0.0, -0.5, 10.0, 20.25], b"cm")),
            "0.5 0 0 -0.5 10 20.25 cm\n"
        );
        assert_eq!(
            s(|o| colour(o, &[200.0 / 255.0, 0.0, 1.5], b"rg")),
            "0.7843 0 1 rg\n"
        );
    }
}
