//! The located tree built straight from granit-parser's events.
//!
//! serde-saphyr reads an inventory in about 100 µs per KB through `Deserialize`
//! and `Spanned`, of which its own event parser takes about a third: the rest is
//! the serde machinery around every node. Here the same parser, with the same
//! options, feeds a plain loop that builds the same [`Node`]s.
//!
//! It takes only the shapes a hand-written inventory has: one document whose
//! root is a mapping, of mappings, sequences and untagged scalars, with string
//! keys that appear once. For anything else — a syntax error, an anchor, an
//! alias, a tag, a merge key, a repeated or non-text key, a second document, a
//! budget reached — it returns `None` and the caller asks serde-saphyr, so
//! every error message, every budget and every rarely used YAML feature stays
//! exactly serde-saphyr's. The tree it does return is the one serde-saphyr
//! builds (the unit tests in `node.rs` compare the two on every sample and on
//! thousands of mutated files).

use std::borrow::Cow;

use serde_saphyr::granit_parser::{self, Event, Parser, ScalarStyle, Span};

use super::{Node, Value};
use crate::diag::Loc;

/// The budgets serde-saphyr enforces, as this builder needs them. Reaching
/// one is not an error here: the caller then lets serde-saphyr decide, and it
/// reports the breach in its own words.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    /// Nesting of mappings and sequences, the root counting 1.
    pub max_depth: usize,
    /// Scalars, mappings and sequences together.
    pub max_nodes: usize,
    /// Bytes of scalar text, summed.
    pub max_scalar_bytes: usize,
}

/// A mapping or sequence still open.
enum Frame {
    Seq {
        loc: Loc,
        bytes: Option<(usize, usize)>,
        items: Vec<Node>,
    },
    Map {
        loc: Loc,
        bytes: Option<(usize, usize)>,
        entries: Vec<(Node, Node)>,
        /// A key read, its value not yet.
        key: Option<Node>,
    },
}

/// Build the tree of `src`, or `None` when serde-saphyr must (see the module
/// comment). Never panics and never recurses, whatever the input.
pub(crate) fn build(src: &str, options: granit_parser::Options, limits: Limits) -> Option<Node> {
    let mut parser = Parser::new_from_str_with_options(src, options);
    let mut next = move || match parser.next() {
        Some(Ok(item)) => Some(Some(item)),
        // A scan error: serde-saphyr words and locates it.
        Some(Err(_)) => None,
        None => Some(None),
    };
    let Some(Some((Event::StreamStart, _))) = next() else {
        return None;
    };
    // `%YAML` directives change how scalars resolve: leave them to serde-saphyr.
    let Some(Some((Event::DocumentStart(_, None), _))) = next() else {
        return None;
    };

    let mut stack: Vec<Frame> = Vec::new();
    let mut nodes = 0usize;
    let mut scalar_bytes = 0usize;
    let root = loop {
        let (event, span) = next()??;
        let in_key = matches!(stack.last(), Some(Frame::Map { key: None, .. }));
        let node = match event {
            Event::Scalar(text, style, anchor, tag) => {
                if anchor != 0 || tag.is_some() || stack.is_empty() {
                    return None;
                }
                nodes += 1;
                scalar_bytes = scalar_bytes.saturating_add(text.len());
                if nodes >= limits.max_nodes || scalar_bytes >= limits.max_scalar_bytes {
                    return None;
                }
                let (loc, bytes) = located(&span);
                let value = scalar(text, style);
                if in_key && !plain_text_key(&value) {
                    return None;
                }
                Node { loc, bytes, value }
            }
            Event::SequenceStart(_, anchor, tag) => {
                let open = anchor == 0 && tag.is_none() && !in_key;
                nodes += 1;
                open_collection(&mut stack, open, false, &span, nodes, limits)?;
                continue;
            }
            Event::MappingStart(_, anchor, tag) => {
                let open = anchor == 0 && tag.is_none() && !in_key;
                nodes += 1;
                open_collection(&mut stack, open, true, &span, nodes, limits)?;
                continue;
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Seq { loc, bytes, items }) => Node {
                    loc,
                    bytes,
                    value: Value::Seq(items),
                },
                _ => return None,
            },
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Map {
                    loc,
                    bytes,
                    entries,
                    key: None,
                }) => mapping(loc, bytes, entries)?,
                _ => return None,
            },
            // Aliases, a second document, anything unexpected.
            _ => return None,
        };
        match stack.last_mut() {
            None => break node,
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => *key = Some(node),
                Some(k) => entries.push((k, node)),
            },
        }
    };
    // One document, then the end of the stream: serde-saphyr refuses or
    // reports anything after it.
    let Some(Some((Event::DocumentEnd, _))) = next() else {
        return None;
    };
    let Some(Some((Event::StreamEnd, _))) = next() else {
        return None;
    };
    match next() {
        Some(None) => Some(root),
        _ => None,
    }
}

/// Push a mapping or sequence. `None` (serde-saphyr decides) when it is not
/// `plain` (an anchor, a tag, or a collection as a key), when the root is not a
/// mapping, or at a budget.
fn open_collection(
    stack: &mut Vec<Frame>,
    plain: bool,
    is_map: bool,
    span: &Span,
    nodes: usize,
    limits: Limits,
) -> Option<()> {
    if !plain || (stack.is_empty() && !is_map) {
        return None;
    }
    if nodes >= limits.max_nodes || stack.len() + 1 >= limits.max_depth {
        return None;
    }
    let (mut loc, bytes) = located(span);
    // Collections underline nothing: they are located by their line.
    loc.len = 0;
    stack.push(if is_map {
        Frame::Map {
            loc,
            bytes,
            entries: Vec::new(),
            key: None,
        }
    } else {
        Frame::Seq {
            loc,
            bytes,
            items: Vec::new(),
        }
    });
    Some(())
}

/// Where an event stands, as serde-saphyr's `Spanned` reports it: line from 1,
/// column from 1 in characters, length in characters, and the byte range.
fn located(span: &Span) -> (Loc, Option<(usize, usize)>) {
    let (start, end) = (&span.start, &span.end);
    let loc = Loc {
        line: clamp(start.line()).max(1),
        column: clamp(start.col() + 1).max(1),
        len: clamp(end.index().saturating_sub(start.index())),
    };
    let bytes = match (start.byte_offset(), end.byte_offset()) {
        (Some(from), Some(to)) => Some((from, to.saturating_sub(from))),
        _ => None,
    };
    (loc, bytes)
}

fn clamp(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The value of an untagged scalar, resolved as serde-saphyr resolves it for
/// this program's options (YAML 1.2 core schema; `strict_booleans`,
/// `leading_zero_numbers_as_strings`, `underscored_numbers_as_strings`,
/// non-finite floats as their canonical text).
pub(crate) fn scalar(text: Cow<'_, str>, style: ScalarStyle) -> Value {
    if style != ScalarStyle::Plain {
        return Value::Str(text.into_owned());
    }
    match text.as_ref() {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        _ => {}
    }
    let t = yaml_trim(&text);
    match t {
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    // Every number starts with a digit, a sign or a dot: the rest is text,
    // without trying the number parsers (most scalars of an inventory).
    if !t
        .as_bytes()
        .first()
        .is_some_and(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.'))
    {
        return Value::Str(text.into_owned());
    }
    let unsigned = t.strip_prefix(['+', '-']).unwrap_or(t);
    let uppercase_radix = matches!(unsigned.as_bytes(), [b'0', b'X' | b'O' | b'B', ..]);
    let signed_nan = t.len() > unsigned.len() && matches!(unsigned, ".nan" | ".NaN" | ".NAN");
    let leading_zero = unsigned.len() > 1
        && unsigned.starts_with('0')
        && unsigned.bytes().all(|b| b.is_ascii_digit());
    if uppercase_radix || signed_nan || leading_zero || t.contains('_') {
        return Value::Str(text.into_owned());
    }
    if let Some(i) = integer(t) {
        // Beyond i64 (but within u64) serde-saphyr hands a u64 over, which
        // the tree keeps as a float.
        return i64::try_from(i).map_or(Value::Float(i as f64), Value::Int);
    }
    match float(t) {
        Some(f) if f.is_finite() => Value::Float(f),
        Some(f) => Value::Str(
            if f.is_nan() {
                ".nan"
            } else if f.is_sign_negative() {
                "-.inf"
            } else {
                ".inf"
            }
            .to_owned(),
        ),
        None => Value::Str(text.into_owned()),
    }
}

fn yaml_trim(s: &str) -> &str {
    let blank = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    // A plain scalar has nothing to trim (the parser drops the blanks
    // around it): that is seen from its two ends.
    if !s.as_bytes().first().is_some_and(blank) && !s.as_bytes().last().is_some_and(blank) {
        return s;
    }
    s.trim_matches([' ', '\t', '\r', '\n'])
}

/// An integer as serde-saphyr reads an untyped one: a negative one must fit
/// an i64, any other a u64; decimal without a redundant leading zero, or
/// `0x`, `0o`, `0b` (lower case) with at least one digit.
fn integer(t: &str) -> Option<i128> {
    let (negative, rest) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let (radix, digits) = if let Some(d) = rest.strip_prefix("0x") {
        (16, d)
    } else if let Some(d) = rest.strip_prefix("0o") {
        (8, d)
    } else if let Some(d) = rest.strip_prefix("0b") {
        (2, d)
    } else {
        if rest.starts_with('0') && rest != "0" {
            return None;
        }
        (10, rest)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = u128::from_str_radix(digits, radix).ok()?;
    if negative {
        let m = i128::try_from(magnitude).ok()?;
        let v = -m;
        (v >= i128::from(i64::MIN)).then_some(v)
    } else {
        (magnitude <= u128::from(u64::MAX)).then_some(magnitude as i128)
    }
}

/// A float as serde-saphyr reads an untyped one: `.nan`, `.inf` and their
/// signed and capitalised spellings; whatever Rust's parser takes as a finite
/// number; and a numeral (a digit after the optional sign) too large for f64,
/// as an infinity. `inf`, `nan` and `infinity` stay text.
fn float(t: &str) -> Option<f64> {
    let (negative, unsigned) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    match unsigned {
        ".nan" | ".NaN" | ".NAN" => return Some(f64::NAN),
        ".inf" | ".Inf" | ".INF" if negative => return Some(f64::NEG_INFINITY),
        ".inf" | ".Inf" | ".INF" => return Some(f64::INFINITY),
        _ => {}
    }
    let v = t.parse::<f64>().ok()?;
    if v.is_finite() || (v.is_infinite() && unsigned.as_bytes().first()?.is_ascii_digit()) {
        Some(v)
    } else {
        None
    }
}

/// A key this builder can vouch for: text that no number, null or boolean
/// spelling could be equal to, and not the merge key. serde-saphyr compares
/// keys by their parsed value (`1` and `0x1` are the same key); for text keys
/// that is their text.
pub(super) fn plain_text_key(value: &Value) -> bool {
    match value {
        Value::Str(s) => {
            s != "<<"
                && s.as_bytes()
                    .first()
                    .is_some_and(|b| !(b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.')))
        }
        _ => false,
    }
}

/// Is a key written twice? (serde-saphyr refuses that.)
/// A mapping's node, or `None` when a key repeats (the parser reports that).
/// A mapping is located at its first key (SPEC §5), also in flow style where
/// the `{` comes first; `loc` is where an empty one stands.
pub(super) fn mapping(
    loc: Loc,
    bytes: Option<(usize, usize)>,
    entries: Vec<(Node, Node)>,
) -> Option<Node> {
    if repeats_a_key(&entries) {
        return None;
    }
    let loc = entries.first().map_or(loc, |(first, _)| Loc {
        len: 0,
        ..first.loc
    });
    Some(Node {
        loc,
        bytes,
        value: Value::Map(entries),
    })
}

fn repeats_a_key(entries: &[(Node, Node)]) -> bool {
    fn text(n: &Node) -> &str {
        match &n.value {
            Value::Str(s) => s,
            _ => "",
        }
    }
    if entries.len() <= 16 {
        return entries
            .iter()
            .enumerate()
            .any(|(i, (k, _))| entries[..i].iter().any(|(p, _)| text(p) == text(k)));
    }
    let mut keys: Vec<&str> = entries.iter().map(|(k, _)| text(k)).collect();
    keys.sort_unstable();
    keys.windows(2).any(|w| w[0] == w[1])
}
