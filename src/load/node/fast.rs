//! A hand-written reader for the plain YAML a clerk writes, in front of the
//! parser: block mappings and sequences indented with spaces, one-line plain
//! and quoted scalars, one-line flow lists and mappings of scalars, `|`
//! blocks, comments. It builds the very tree [`super::events`] builds
//! (values resolved by the same [`scalar`], every place and byte range as
//! granit-parser reports it) at a fraction of the cost, and gives up —
//! `None`, the parser decides — on everything else: a tab, a CR, a control
//! or special character anywhere, an anchor, alias, tag or directive, a
//! document marker, a scalar over several lines, a key that is not plain
//! text or repeats, a `>` block, an escape, a collection as a key, a compact
//! (unindented) list, an empty list entry, deep nesting or a budget. It
//! never errs: a file it cannot vouch for is the parser's, with its errors.
//! Tests compare it with the parser on every sample, on thousands of
//! mutated files and on hostile input (`node.rs`).

use std::borrow::Cow;

use serde_saphyr::granit_parser::ScalarStyle;

use super::events::{mapping, plain_text_key, scalar};
use super::{Node, Value};
use crate::diag::Loc;

/// Far below the parser's budgets (nesting 24, 100,000 nodes, 8 MB of
/// scalars), so that what this reader takes, the parser takes too.
const MAX_DEPTH: usize = 16;
const MAX_NODES: usize = 50_000;
const MAX_SCALAR_BYTES: usize = 4 * 1024 * 1024;
/// Keys longer than this go to the parser (YAML limits implicit keys to
/// 1024 characters).
const MAX_KEY_BYTES: usize = 256;

/// The tree of `src`, or `None` when the parser must read it.
pub(crate) fn build(src: &str) -> Option<Node> {
    if !plain_chars(src) {
        return None;
    }
    let mut r = Reader {
        src,
        b: src.as_bytes(),
        pos: 0,
        line: 1,
        line_start: 0,
        counted: (0, 0),
        next: Next::Eof,
        nodes: 0,
        depth: 0,
        scalar_bytes: 0,
        pairs: Vec::with_capacity(32),
        items: Vec::with_capacity(32),
    };
    r.skip_to_content()?;
    if r.next != Next::At(0) {
        return None;
    }
    let root = r.block_map(0)?;
    (r.next == Next::Eof).then_some(root)
}

/// Only newlines and printable characters that no YAML reader treats
/// specially: no tab, CR, other control character, NEL, line or paragraph
/// separator, byte-order mark or noncharacter. Read byte by byte (`src` is
/// UTF-8): C1 controls are `C2 80`–`C2 9F`, U+2028 and U+2029 `E2 80 A8` and
/// `E2 80 A9`, U+FEFF `EF BB BF`, U+FFFE and U+FFFF `EF BF BE` and `EF BF BF`.
fn plain_chars(src: &str) -> bool {
    let b = src.as_bytes();
    let next = |i: usize| b.get(i).copied().unwrap_or(0);
    for (i, &c) in b.iter().enumerate() {
        let bad = match BYTE_CLASS[usize::from(c)] {
            FINE => continue,
            BAD => true,
            LEAD_C2 => next(i + 1) < 0xA0,
            LEAD_E2 => next(i + 1) == 0x80 && matches!(next(i + 2), 0xA8 | 0xA9),
            _ => matches!(
                (next(i + 1), next(i + 2)),
                (0xBB, 0xBF) | (0xBF, 0xBE | 0xBF)
            ),
        };
        if bad {
            return false;
        }
    }
    true
}

const FINE: u8 = 0;
const BAD: u8 = 1;
const LEAD_C2: u8 = 2;
const LEAD_E2: u8 = 3;
const LEAD_EF: u8 = 4;

/// What [`plain_chars`] makes of each byte value.
const BYTE_CLASS: [u8; 256] = {
    let mut t = [FINE; 256];
    let mut c = 0;
    while c < 0x20 {
        t[c] = BAD;
        c += 1;
    }
    t[b'\n' as usize] = FINE;
    t[0x7F] = BAD;
    t[0xC2] = LEAD_C2;
    t[0xE2] = LEAD_E2;
    t[0xEF] = LEAD_EF;
    t
};

/// What the next content line (not blank, not a comment) is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Next {
    /// Its indentation; the reader stands on its first character.
    At(usize),
    Eof,
}

struct Reader<'s> {
    src: &'s str,
    b: &'s [u8],
    pos: usize,
    /// The line of `pos`, from 1, and where that line starts.
    line: u32,
    line_start: usize,
    /// A place on the current line and the characters before it there.
    counted: (usize, u32),
    next: Next,
    nodes: usize,
    depth: usize,
    scalar_bytes: usize,
    /// The entries of the mappings and the items of the lists still open,
    /// innermost last: each collection is split off these into a vector of
    /// its own size when it closes (one allocation and one copy, no regrowing).
    pairs: Vec<(Node, Node)>,
    items: Vec<Node>,
}

/// Characters that cannot start a plain scalar or a key.
fn indicator(c: u8) -> bool {
    matches!(
        c,
        b'-' | b'?'
            | b':'
            | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
    )
}

/// Characters a key may hold: no space, no indicator a key could end or
/// turn into something else with.
fn key_byte(c: u8) -> bool {
    !matches!(
        c,
        b' ' | b'\n' | b':' | b'#' | b',' | b'[' | b']' | b'{' | b'}' | b'"' | b'\''
    )
}

/// Characters in UTF-8 bytes: those that do not continue a character.
fn chars(b: &[u8]) -> u32 {
    let n = b.iter().filter(|&&b| (b & 0xC0) != 0x80).count();
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl<'s> Reader<'s> {
    fn at(&self, i: usize) -> u8 {
        self.b.get(i).copied().unwrap_or(b'\n')
    }

    fn eof(&self) -> bool {
        self.pos >= self.b.len()
    }

    /// Line and column (from 1, in characters) of `at`, on the current line.
    fn loc(&mut self, at: usize, end: usize) -> Loc {
        // Counted on from the last place asked for on this line, so that a
        // line of 100,000 flow entries is counted once, not once per entry.
        let (from, before) = if self.counted.0 >= self.line_start && self.counted.0 <= at {
            self.counted
        } else {
            (self.line_start, 0)
        };
        let column = before.saturating_add(chars(&self.b[from..at]));
        self.counted = (at, column);
        Loc {
            line: self.line,
            column: column.saturating_add(1),
            len: chars(&self.b[at..end]),
        }
    }

    fn skip_spaces(&mut self) -> usize {
        let from = self.pos;
        while self.b.get(self.pos) == Some(&b' ') {
            self.pos += 1;
        }
        self.pos - from
    }

    /// Past the newline at `pos` (or at the end).
    fn new_line(&mut self) {
        if self.pos < self.b.len() {
            self.pos += 1;
            self.line += 1;
            self.line_start = self.pos;
        }
    }

    fn skip_rest_of_line(&mut self) {
        while self.pos < self.b.len() && self.b[self.pos] != b'\n' {
            self.pos += 1;
        }
    }

    /// From the start of a line: over blank and comment lines to the next
    /// content line. `None` at a document marker.
    fn skip_to_content(&mut self) -> Option<()> {
        loop {
            let indent = self.skip_spaces();
            if self.eof() {
                self.next = Next::Eof;
                return Some(());
            }
            match self.b[self.pos] {
                b'\n' => self.new_line(),
                b'#' => {
                    self.skip_rest_of_line();
                    self.new_line();
                }
                _ => {
                    let rest = &self.b[self.pos..];
                    if indent == 0 && (rest.starts_with(b"---") || rest.starts_with(b"...")) {
                        return None;
                    }
                    self.next = Next::At(indent);
                    return Some(());
                }
            }
        }
    }

    /// After a value on its line: spaces, a comment, the end of the line;
    /// then on to the next content line.
    fn end_line(&mut self) -> Option<()> {
        let spaces = self.skip_spaces();
        match self.at(self.pos) {
            b'\n' => {}
            b'#' if spaces > 0 => self.skip_rest_of_line(),
            _ => return None,
        }
        self.new_line();
        self.skip_to_content()
    }

    fn count_node(&mut self) -> Option<()> {
        self.nodes += 1;
        (self.nodes < MAX_NODES).then_some(())
    }

    fn enter(&mut self) -> Option<()> {
        self.count_node()?;
        self.depth += 1;
        (self.depth < MAX_DEPTH).then_some(())
    }

    fn scalar_node(
        &mut self,
        start: usize,
        end: usize,
        text: Cow<'s, str>,
        style: ScalarStyle,
        is_key: bool,
    ) -> Option<Node> {
        self.count_node()?;
        self.scalar_bytes += text.len();
        if self.scalar_bytes >= MAX_SCALAR_BYTES {
            return None;
        }
        let value = scalar(text, style);
        if is_key && !plain_text_key(&value) {
            return None;
        }
        Some(Node {
            loc: self.loc(start, end),
            bytes: Some((start, end - start)),
            value,
        })
    }

    /// A block mapping whose keys stand at indentation `n`; the reader is
    /// on its first key.
    fn block_map(&mut self, n: usize) -> Option<Node> {
        self.enter()?;
        let start = self.pos;
        let base = self.pairs.len();
        loop {
            let key = self.key()?;
            let value = self.map_value(n)?;
            self.pairs.push((key, value));
            match self.next {
                Next::At(i) if i == n => {
                    if self.at(self.pos) == b'-' {
                        return None;
                    }
                }
                Next::At(i) if i < n => break,
                Next::Eof => break,
                Next::At(_) => return None,
            }
        }
        self.depth -= 1;
        // Never empty: the loop took a key.
        mapping(Loc::default(), Some((start, 0)), self.pairs.split_off(base))
    }

    /// A plain key and its `:` (followed by a space or the end of the line).
    fn key(&mut self) -> Option<Node> {
        let start = self.pos;
        if indicator(self.at(start)) {
            return None;
        }
        let mut end = start;
        while end < self.b.len() && key_byte(self.b[end]) {
            end += 1;
        }
        if end == start || end - start > MAX_KEY_BYTES || self.at(end) != b':' {
            return None;
        }
        if !matches!(self.at(end + 1), b' ' | b'\n') {
            return None;
        }
        let text = &self.src[start..end];
        let node = self.scalar_node(start, end, Cow::Borrowed(text), ScalarStyle::Plain, true)?;
        self.pos = end + 1;
        Some(node)
    }

    /// The value after a key of a mapping at indentation `n` (the reader
    /// just past its `:`).
    fn map_value(&mut self, n: usize) -> Option<Node> {
        let colon = self.pos - 1;
        let spaces = self.skip_spaces();
        match self.at(self.pos) {
            b'\n' => {}
            b'#' if spaces > 0 => self.skip_rest_of_line(),
            b'|' => return self.literal(n),
            _ => {
                let node = self.inline_value()?;
                self.end_line()?;
                return Some(node);
            }
        }
        // Nothing on the key's line: a block below it, or null.
        let null = self.scalar_node(colon, colon, Cow::Borrowed(""), ScalarStyle::Plain, false)?;
        self.new_line();
        self.skip_to_content()?;
        match self.next {
            Next::At(i) if i > n => {
                if self.at(self.pos) == b'-' {
                    self.block_seq(i)
                } else {
                    self.block_map(i)
                }
            }
            // A list at the key's own indentation: left to the parser.
            Next::At(i) if i == n && self.at(self.pos) == b'-' => None,
            _ => Some(null),
        }
    }

    /// A value that starts and ends on this line: a flow collection, a
    /// quoted or a plain scalar.
    fn inline_value(&mut self) -> Option<Node> {
        match self.at(self.pos) {
            b'[' => self.flow_seq(),
            b'{' => self.flow_map(),
            b'"' | b'\'' => self.quoted(),
            _ => self.plain(false),
        }
    }

    /// A block sequence whose `-` stand at indentation `m`; the reader is on
    /// the first `-`.
    fn block_seq(&mut self, m: usize) -> Option<Node> {
        self.enter()?;
        let start = self.pos;
        let loc = Loc {
            len: 0,
            ..self.loc(start, start)
        };
        let base = self.items.len();
        loop {
            // `- ` and the entry on the same line.
            if self.at(self.pos) != b'-' || self.at(self.pos + 1) != b' ' {
                return None;
            }
            self.pos += 1;
            self.skip_spaces();
            let item = match self.at(self.pos) {
                b'\n' | b'#' | b'|' | b'>' => return None,
                b'-' if self.at(self.pos + 1) == b' ' || self.at(self.pos + 1) == b'\n' => {
                    return None;
                }
                b'[' | b'{' | b'"' | b'\'' => {
                    let node = self.inline_value()?;
                    self.end_line()?;
                    node
                }
                _ if self.line_has_key() => {
                    let k = self.pos - self.line_start;
                    self.block_map(k)?
                }
                _ => {
                    let node = self.plain(false)?;
                    self.end_line()?;
                    node
                }
            };
            self.items.push(item);
            match self.next {
                Next::At(i) if i == m && self.at(self.pos) == b'-' => {}
                Next::At(i) if i < m => break,
                Next::Eof => break,
                Next::At(_) => return None,
            }
        }
        self.depth -= 1;
        Some(Node {
            loc,
            bytes: Some((start, 0)),
            value: Value::Seq(self.items.split_off(base)),
        })
    }

    /// Does the rest of this line (before a comment) hold a `:` that ends a key?
    fn line_has_key(&self) -> bool {
        let mut i = self.pos;
        while i < self.b.len() {
            match self.b[i] {
                b'\n' => return false,
                b':' if matches!(self.at(i + 1), b' ' | b'\n') => return true,
                b'#' if self.b[i - 1] == b' ' => return false,
                _ => {}
            }
            i += 1;
        }
        false
    }

    /// A plain scalar on one line, trailing spaces dropped: in block
    /// context up to a comment or the end of the line; in a flow collection
    /// up to `,`, `]` or `}` (a `:`, `#`, `[` or `{` in it is left to the
    /// parser).
    fn plain(&mut self, flow: bool) -> Option<Node> {
        let start = self.pos;
        let c = self.at(start);
        let signed_number = c == b'-' && matches!(self.at(start + 1), b'0'..=b'9' | b'.');
        if c == b'\n' || (indicator(c) && !signed_number) {
            return None;
        }
        let mut i = start;
        let mut end = start;
        while i < self.b.len() {
            match self.b[i] {
                b',' | b']' | b'}' if flow => break,
                b'\n' | b':' | b'#' | b'[' | b'{' if flow => return None,
                b'\n' => break,
                b'#' if self.b[i - 1] == b' ' => break,
                b':' if matches!(self.at(i + 1), b' ' | b'\n') => return None,
                b' ' => {}
                _ => end = i + 1,
            }
            i += 1;
        }
        let text = &self.src[start..end];
        let node = self.scalar_node(start, end, Cow::Borrowed(text), ScalarStyle::Plain, false)?;
        self.pos = end;
        Some(node)
    }

    /// A quoted scalar on one line: `"…"` without escapes, or `'…'`.
    fn quoted(&mut self) -> Option<Node> {
        let start = self.pos;
        let q = self.b[start];
        let mut i = start + 1;
        let mut doubled = false;
        loop {
            match self.b.get(i) {
                None | Some(b'\n') => return None,
                Some(b'\\') if q == b'"' => return None,
                Some(&c) if c == q => {
                    if q == b'\'' && self.at(i + 1) == b'\'' {
                        doubled = true;
                        i += 2;
                        continue;
                    }
                    break;
                }
                Some(_) => i += 1,
            }
        }
        let inner = &self.src[start + 1..i];
        let (text, style) = if q == b'"' {
            (Cow::Borrowed(inner), ScalarStyle::DoubleQuoted)
        } else if doubled {
            (
                Cow::Owned(inner.replace("''", "'")),
                ScalarStyle::SingleQuoted,
            )
        } else {
            (Cow::Borrowed(inner), ScalarStyle::SingleQuoted)
        };
        let node = self.scalar_node(start, i + 1, text, style, false)?;
        self.pos = i + 1;
        Some(node)
    }

    /// A scalar inside a flow collection: quoted, or plain ([`Self::plain`]).
    fn flow_scalar(&mut self) -> Option<Node> {
        match self.at(self.pos) {
            b'"' | b'\'' => self.quoted(),
            _ => self.plain(true),
        }
    }

    /// `[a, b]` on one line.
    fn flow_seq(&mut self) -> Option<Node> {
        self.enter()?;
        let start = self.pos;
        let loc = Loc {
            len: 0,
            ..self.loc(start, start)
        };
        self.pos += 1;
        self.skip_spaces();
        let base = self.items.len();
        if self.at(self.pos) != b']' {
            loop {
                let item = self.flow_scalar()?;
                self.items.push(item);
                if self.flow_separator(b']')? {
                    break;
                }
            }
        }
        self.pos += 1;
        self.depth -= 1;
        Some(Node {
            loc,
            bytes: Some((start, 1)),
            value: Value::Seq(self.items.split_off(base)),
        })
    }

    /// `{k: v, k: v}` on one line, plain keys.
    fn flow_map(&mut self) -> Option<Node> {
        self.enter()?;
        let start = self.pos;
        let loc = Loc {
            len: 0,
            ..self.loc(start, start)
        };
        self.pos += 1;
        self.skip_spaces();
        let base = self.pairs.len();
        if self.at(self.pos) != b'}' {
            loop {
                let key = self.key()?;
                if self.skip_spaces() == 0 {
                    return None;
                }
                if matches!(self.at(self.pos), b',' | b'}') {
                    return None;
                }
                let value = self.flow_scalar()?;
                self.pairs.push((key, value));
                if self.flow_separator(b'}')? {
                    break;
                }
            }
        }
        self.pos += 1;
        self.depth -= 1;
        mapping(loc, Some((start, 1)), self.pairs.split_off(base))
    }

    /// After an entry of a one-line flow collection: `Some(true)` on its
    /// `close`, `Some(false)` past a `,` with another entry to come, `None`
    /// (the parser decides) for anything else, a trailing `,` included.
    fn flow_separator(&mut self, close: u8) -> Option<bool> {
        self.skip_spaces();
        match self.at(self.pos) {
            b',' => {
                self.pos += 1;
                self.skip_spaces();
                (self.at(self.pos) != close).then_some(false)
            }
            c if c == close => Some(true),
            _ => None,
        }
    }

    /// A `|` block (clip, `-` strip or `+` keep) as the value of a key of a
    /// mapping at indentation `n`; the reader is on the `|`.
    fn literal(&mut self, n: usize) -> Option<Node> {
        self.pos += 1;
        let chomp = self.at(self.pos);
        if matches!(chomp, b'-' | b'+') {
            self.pos += 1;
        }
        let spaces = self.skip_spaces();
        match self.at(self.pos) {
            b'\n' if !self.eof() => {}
            b'#' if spaces > 0 => {
                self.skip_rest_of_line();
                if self.eof() {
                    return None;
                }
            }
            _ => return None,
        }
        self.new_line();
        // The first line sets the indentation; it must be content.
        let indent = self.skip_spaces();
        if indent <= n || self.at(self.pos) == b'\n' {
            return None;
        }
        let start = self.pos;
        let (line, line_start) = (self.line, self.line_start);
        // Each content line with its newline, the empty lines between them
        // as newlines; chomping then settles the end.
        let mut text = String::new();
        let mut blanks = 0usize;
        let end = loop {
            // At the start of a line's content (after `indent` spaces).
            let from = self.pos;
            self.skip_rest_of_line();
            if self.eof() {
                // The last line without a newline: left to the parser.
                return None;
            }
            for _ in 0..blanks {
                text.push('\n');
            }
            text.push_str(&self.src[from..self.pos]);
            text.push('\n');
            blanks = 0;
            self.new_line();
            while !self.eof() && self.b[self.pos] == b'\n' {
                blanks += 1;
                self.new_line();
            }
            if self.eof() {
                break self.pos;
            }
            let here = self.pos;
            let s = self.skip_spaces();
            if self.at(self.pos) == b'\n' {
                // Spaces only: left to the parser.
                return None;
            }
            if s >= indent {
                self.pos = here + indent;
                continue;
            }
            if s > n || self.at(self.pos) == b'#' {
                return None;
            }
            // The span ends after the indentation of the line that ends it.
            self.pos = here;
            break here + s;
        };
        match chomp {
            b'-' => {
                text.pop();
            }
            b'+' => {
                for _ in 0..blanks {
                    text.push('\n');
                }
            }
            _ => {}
        }
        self.count_node()?;
        self.scalar_bytes += text.len();
        if self.scalar_bytes >= MAX_SCALAR_BYTES {
            return None;
        }
        let loc = Loc {
            line,
            column: chars(&self.b[line_start..start]) + 1,
            len: chars(&self.b[start..end]),
        };
        let node = Node {
            loc,
            bytes: Some((start, end - start)),
            value: scalar(Cow::Owned(text), ScalarStyle::Literal),
        };
        self.skip_to_content()?;
        Some(node)
    }
}
