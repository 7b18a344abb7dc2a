//! A YAML document as a tree of located nodes, as serde-saphyr parses it.
//!
//! Inventories are not deserialised straight into structs: going through this
//! tree lets the loader report every problem in a file (each unknown key, each
//! wrong type) in one run, in Chinese, instead of stopping at serde's first error.
//! serde-saphyr supplies the parsing, the line and column of every value, and
//! the budgets that stop alias bombs and deep nesting.
//!
//! Three roads lead to the same tree. [`fast`] reads the plain YAML clerks
//! write (every ordinary LF inventory) by hand, without the parser, about four
//! times faster than [`events`], which builds it straight from the parser's
//! events, three times faster than serde, for the other files it can vouch
//! for; any other file, and every file with an error, goes through
//! serde-saphyr's `Deserialize` ([`parse_with_serde`]), so the messages,
//! budgets and rarely used YAML features are serde-saphyr's alone.

mod events;
mod fast;

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Options, Spanned, granit_parser};

use crate::diag::Loc;

/// A value with where it starts in the source (line and column from 1, in
/// characters) and, for scalars, its byte range so the raw text can be recovered.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub loc: Loc,
    /// Byte offset and length in the source; `None` when unknown.
    pub bytes: Option<(usize, usize)>,
    pub value: Value,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// The text of a scalar as it stands in the source: `1.10` stays `1.10`,
    /// `yes` stays `yes`. `None` for collections and null.
    pub fn scalar_text<'s>(&'s self, src: &'s str) -> Option<std::borrow::Cow<'s, str>> {
        use std::borrow::Cow;
        match &self.value {
            Value::Str(s) => Some(Cow::Borrowed(s.as_str())),
            Value::Int(_) | Value::Float(_) | Value::Bool(_) => {
                if let Some((start, len)) = self.bytes
                    && let Some(raw) = src.get(start..start + len)
                {
                    return Some(Cow::Borrowed(raw.trim()));
                }
                Some(Cow::Owned(match &self.value {
                    Value::Int(i) => i.to_string(),
                    Value::Float(f) => f.to_string(),
                    Value::Bool(b) => b.to_string(),
                    _ => unreachable!("scalar kinds only"),
                }))
            }
            Value::Null | Value::Seq(_) | Value::Map(_) => None,
        }
    }

    /// What kind of value this is, in words for a message.
    pub fn kind_name(&self) -> (&'static str, &'static str) {
        match &self.value {
            Value::Null => ("空值", "null"),
            Value::Bool(_) => ("真假值", "a boolean"),
            Value::Int(_) => ("整数", "an integer"),
            Value::Float(_) => ("小数", "a number"),
            Value::Str(_) => ("文字", "a string"),
            Value::Seq(_) => ("列表", "a list"),
            Value::Map(_) => ("键值表", "a mapping"),
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Node, D::Error> {
        let spanned = Spanned::<Value>::deserialize(d)?;
        let at = spanned.referenced;
        let span = at.span();
        let bytes = match (span.byte_offset(), span.byte_len()) {
            (Some(start), Some(len)) => Some((start as usize, len as usize)),
            _ => None,
        };
        let mut loc = Loc {
            line: at.line().max(1) as u32,
            column: at.column().max(1) as u32,
            len: span.len() as u32,
        };
        match &spanned.value {
            // A mapping is located at its first key (SPEC §5), also in flow
            // style where the `{` comes first; collections underline the line.
            Value::Map(entries) => {
                if let Some((key, _)) = entries.first() {
                    loc = Loc { len: 0, ..key.loc };
                }
                loc.len = 0;
            }
            Value::Seq(_) => loc.len = 0,
            _ => {}
        }
        Ok(Node {
            loc,
            bytes,
            value: spanned.value,
        })
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or(Value::Float(v as f64), Value::Int))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or(Value::Float(v as f64), Value::Int))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or(Value::Float(v as f64), Value::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::Str(v))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Value, E> {
        Ok(Value::Str(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Node>()? {
            items.push(item);
        }
        Ok(Value::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = Vec::new();
        while let Some((k, v)) = map.next_entry::<Node, Node>()? {
            entries.push((k, v));
        }
        Ok(Value::Map(entries))
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

/// Limits for one inventory: far above any real file, far below what hurts.
fn options() -> Options {
    let mut o = Options::default();
    // YAML 1.2 booleans only: `no`, `n`, `on` stay text (a key `n:` must not become `false`).
    o.strict_booleans = true;
    // `007`, `0951` stay text.
    o.leading_zero_numbers_as_strings = true;
    o.underscored_numbers_as_strings = true;
    // `.nan`, `.inf` stay text: a wrong value is a located input.schema finding, not a broken file.
    o.non_finite_float_policy = serde_saphyr::NonFiniteFloatPolicy::AsString;
    o.with_snippet = false;
    // A large real inventory has a few thousand nodes and no aliases at all.
    o.alias_limits.max_total_replayed_events = 20_000;
    o.alias_limits.max_replay_stack_depth = 16;
    o.alias_limits.max_alias_expansions_per_anchor = 1_000;
    if let Some(b) = o.budget.as_mut() {
        // An inventory nests 6 deep at most (top, gate_walls, board, rooms,
        // room, size). Each level costs tens of KB of stack in a debug build,
        // and the files are read on worker threads with 2 MB stacks: 64 levels
        // overflowed them, 24 leave room.
        b.max_depth = 24;
        b.max_nodes = 100_000;
        b.max_aliases = 1_000;
        b.max_anchors = 1_000;
        b.max_documents = 1;
        b.max_total_scalar_bytes = 8 * 1024 * 1024;
    }
    o
}

/// A YAML syntax problem, located.
#[derive(Debug)]
pub struct SyntaxError {
    pub loc: Loc,
    pub detail: String,
    pub kind: SyntaxErrorKind,
}

#[derive(Debug, PartialEq, Eq)]
pub enum SyntaxErrorKind {
    Syntax,
    /// A budget was exceeded: alias expansion, nesting depth, node count.
    TooComplex,
    DuplicateKey,
    Empty,
}

/// The event builder's view of [`options`]: the parser options serde-saphyr
/// derives from them (so both roads scan alike) and its budgets.
fn event_options(o: &Options) -> (granit_parser::Options, events::Limits) {
    let budget = o.budget.clone().unwrap_or_default();
    let mut p = granit_parser::Options::default();
    p.simple_key_max_lookahead = budget.simple_key_max_lookahead;
    p.flow_nesting_limit = budget.flow_nesting_limit;
    p.block_nesting_limit = p
        .block_nesting_limit
        .max(budget.max_depth.saturating_add(1));
    p.emit_comments = false;
    p.strict_indentation = o.strict_indentation;
    p.bom_inside_document_as_content = o.bom_inside_document_as_content;
    let limits = events::Limits {
        max_depth: budget.max_depth,
        max_nodes: budget.max_nodes,
        max_scalar_bytes: budget.max_total_scalar_bytes,
    };
    (p, limits)
}

/// Parse one YAML document. An empty document is an error: every file the
/// loader reads must hold a mapping.
pub fn parse(src: &str) -> Result<Node, SyntaxError> {
    if is_empty(src) {
        return Err(empty());
    }
    if let Some(doc) = fast::build(src) {
        return Ok(doc);
    }
    let o = options();
    let (parser_options, limits) = event_options(&o);
    match events::build(src, parser_options, limits) {
        Some(doc) => Ok(doc),
        None => serde_road(src, o),
    }
}

/// Blank, or comments only.
fn is_empty(src: &str) -> bool {
    src.trim().is_empty()
        || src
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
}

/// [`parse`] through serde-saphyr's `Deserialize` alone: what `parse` falls
/// back to, and what the tests compare the event builder with.
pub fn parse_with_serde(src: &str) -> Result<Node, SyntaxError> {
    if is_empty(src) {
        return Err(empty());
    }
    serde_road(src, options())
}

fn empty() -> SyntaxError {
    SyntaxError {
        loc: Loc::START,
        detail: "empty document".into(),
        kind: SyntaxErrorKind::Empty,
    }
}

fn serde_road(src: &str, o: Options) -> Result<Node, SyntaxError> {
    serde_saphyr::from_str_with_options::<Node>(src, o).map_err(|e| {
        let loc = e
            .location()
            .map(|l| Loc {
                line: l.line().max(1) as u32,
                column: l.column().max(1) as u32,
                len: 1,
            })
            .unwrap_or(Loc::START);
        let detail =
            serde_saphyr::MessageFormatter::format_message(&serde_saphyr::UserMessageFormatter, &e)
                .into_owned();
        let kind = classify(&e);
        SyntaxError { loc, detail, kind }
    })
}

fn classify(e: &serde_saphyr::Error) -> SyntaxErrorKind {
    use serde_saphyr::Error as E;
    match e {
        E::Budget { .. }
        | E::AliasReplayCounterOverflow { .. }
        | E::AliasReplayLimitExceeded { .. }
        | E::AliasExpansionLimitExceeded { .. }
        | E::AliasReplayStackDepthExceeded { .. } => SyntaxErrorKind::TooComplex,
        E::DuplicateMappingKey { .. } => SyntaxErrorKind::DuplicateKey,
        E::WithSnippet { error, .. } | E::AliasError { error, .. } => classify(error),
        E::Eof { .. } => SyntaxErrorKind::Empty,
        other => {
            // The scanner's recursion guard arrives as a plain message.
            let text = serde_saphyr::MessageFormatter::format_message(
                &serde_saphyr::UserMessageFormatter,
                other,
            );
            if text.contains("recursion limit") || text.contains("budget") {
                SyntaxErrorKind::TooComplex
            } else {
                SyntaxErrorKind::Syntax
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_entries_and_keeps_raw_scalars() {
        let src = "name: 红旗社区\nversion: 1.10\nn: no\ngate:\n  - text: 中共红旗社区委员会\n  - 红旗社区服务站\n";
        let doc = parse(src).unwrap();
        let Value::Map(entries) = &doc.value else {
            panic!("map")
        };
        assert_eq!(entries[1].1.scalar_text(src).unwrap(), "1.10");
        assert_eq!(entries[2].0.value, Value::Str("n".into()));
        assert_eq!(entries[2].1.value, Value::Str("no".into()));
        let Value::Seq(gate) = &entries[3].1.value else {
            panic!("seq")
        };
        assert_eq!((gate[0].loc.line, gate[0].loc.column), (5, 5));
        assert_eq!((gate[1].loc.line, gate[1].loc.column), (6, 5));
    }

    #[test]
    fn syntax_errors_are_located() {
        let err = parse("name: x\ngate:\n  - text: \"abc\n").unwrap_err();
        assert_eq!(err.kind, SyntaxErrorKind::Syntax);
        assert_eq!(err.loc.line, 3);
    }
}

/// The event builder against serde-saphyr: the same tree, or the same error.
#[cfg(test)]
mod roads {
    use super::*;

    /// Did the event builder take `src` itself (rather than hand it over)?
    fn built(src: &str) -> bool {
        let (p, limits) = event_options(&options());
        events::build(src, p, limits).is_some()
    }

    /// Did the hand-written reader take `src` itself?
    fn read_by_hand(src: &str) -> bool {
        fast::build(src).is_some()
    }

    /// `parse` gives exactly what serde-saphyr alone gives, and so do the
    /// hand-written reader and the event builder whenever they take a file.
    #[track_caller]
    fn same(src: &str) {
        let (p, limits) = event_options(&options());
        if let Some(tree) = fast::build(src) {
            assert_eq!(
                Some(&tree),
                events::build(src, p, limits).as_ref(),
                "the hand-written reader and the event builder differ for {src:?}"
            );
            assert_eq!(
                Ok(&tree),
                parse_with_serde(src).as_ref().map_err(|e| &e.detail),
                "the hand-written reader and serde-saphyr differ for {src:?}"
            );
        }
        match (parse(src), parse_with_serde(src)) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "trees differ for {src:?}"),
            (Err(a), Err(b)) => {
                assert_eq!(
                    (a.loc, &a.detail, &a.kind),
                    (b.loc, &b.detail, &b.kind),
                    "errors differ for {src:?}"
                );
                assert!(
                    !built(src),
                    "the builder took a file serde-saphyr refuses: {src:?}"
                );
            }
            (a, b) => panic!("{src:?}: events {a:?}, serde {b:?}"),
        }
    }

    fn samples() -> Vec<(String, String)> {
        fn walk(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
            for e in std::fs::read_dir(dir).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, out);
                } else if p.extension().is_some_and(|x| x == "yaml") {
                    let text = std::fs::read_to_string(&p).unwrap();
                    out.push((p.display().to_string(), text));
                }
            }
        }
        let mut out = Vec::new();
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content"),
            &mut out,
        );
        out.sort();
        assert!(out.len() >= 15, "the sample content is there");
        out
    }

    #[test]
    fn every_sample_file_is_built_from_events_and_matches() {
        for (path, text) in samples() {
            assert!(built(&text), "{path} fell back to serde-saphyr");
            same(&text);
        }
    }

    #[test]
    fn every_sample_file_is_read_by_hand_and_matches() {
        for (path, text) in samples() {
            assert!(read_by_hand(&text), "{path} fell back to the parser");
            same(&text);
        }
    }

    /// What the hand-written reader takes, at the edges of what it takes:
    /// places, block ends and chomping, quotes, flow collections, comments.
    #[test]
    fn the_hand_written_reader_takes_plain_files_and_matches() {
        for src in [
            "a: b\n",
            "a: b",
            "a:\n",
            "a:",
            "a:   \nb: # c\nc:\n",
            "# c\n\n  # d\na: 红旗 # 注\nb: x#y\nc: 12:30\nd: http://x.y/z\n",
            "a: it's\nb: say \"hi\"\nc: a, b [c] {d}\n",
            "a: -1\nb: -.5\nc: 1.10\nd: 2024-09-12\ne: 0951\nf: true\ng: ~\nh: null\n",
            "a: 'it''s'\nb: \"x: y\"\nc: ''\nd: \"\"\n",
            "a: [400, 2400]\nb: []\nc: {}\nd: [ a , b ]\ne: {k: v,l: -2}\nf: ['x', \"y\"]\n",
            "gate:\n  - text: 中共 委员会\n    size_mm: [400, 2400]\n  - 服务站\n",
            "rooms:\n  - {name: 党组织, floor: 1, direction: left}\n",
            "a:\n  k: v\n  k2:\n    - z\n    -   y\nb: 1\n",
            "a:\n  -   k: v\n      l: w\n  - x\n",
            "b: |\n  x\n",
            "b: |\n  x\n\n  y\n\n\nc: 1\n",
            "b: |-\n  x\n  y\n\n\nc: 1\n",
            "b: |+\n  x\n\n\nc: 1\n",
            "b: |+\n  x\n\n",
            "b: | # c\n    x\n     y\n    # not a comment\nc: 1\n",
            "l:\n  - title: t\n    body: |\n      一、\n      二、\n  - title: u\n",
            "k: v\n# end\n\n",
        ] {
            assert!(read_by_hand(src), "left to the parser: {src:?}");
            same(src);
        }
        // What it leaves to the parser (which may take it, or refuse it).
        for src in [
            "a: b\r\n",
            "a:\tb\n",
            "\u{feff}a: b\n",
            "a: \u{85}b\n",
            "a: &x 1\n",
            "a: *x\n",
            "a: !!str 1\n",
            "---\na: b\n",
            "a: b\n...\n",
            "%YAML 1.2\n---\na: b\n",
            "a: multi\n  line\n",
            "a: b\na: c\n",
            "1: a\n",
            "\"a\": b\n",
            "a: >\n  x\n",
            "a: |2\n  x\n",
            "a: |\n  x",
            "a: |\n  x\n  \n  y\n",
            "a: |\n\n  x\n",
            "a: |\n  x\n# c\nb: 1\n",
            "a: \"\\n\"\n",
            "a: [1, [2]]\n",
            "a: [1, 2,]\n",
            "a: [1,\n  2]\n",
            "a: {b: }\n",
            "a:\n- b\n",
            "a:\n  -\n",
            "a:\n  - - b\n",
            "a: b: c\n",
            "a:b\n",
            "a b: c\n",
            "- a\n",
            "  a: b\n",
        ] {
            assert!(!read_by_hand(src), "read by hand: {src:?}");
            same(src);
        }
    }

    #[test]
    fn positions_match_to_the_column_and_byte() {
        let src = "# c\nname: 红旗社区\nrooms:\n  - {name: 党员活动中心, floor: 2}\n  -   x\nsize_mm: [400,  2400]\nbody: |\n  一、\n  二、\nq: \"a\\tb\"\ns: 'it''s'\nempty:\nflow: {}\n";
        assert!(built(src));
        same(src);
        let doc = parse(src).unwrap();
        let Value::Map(top) = &doc.value else {
            panic!("map")
        };
        assert_eq!((doc.loc.line, doc.loc.column, doc.loc.len), (2, 1, 0));
        let Value::Seq(rooms) = &top[1].1.value else {
            panic!("seq")
        };
        // A flow mapping is located at its first key, after the `{`.
        assert_eq!((rooms[0].loc.line, rooms[0].loc.column), (4, 6));
        assert_eq!(
            (rooms[1].loc.line, rooms[1].loc.column, rooms[1].loc.len),
            (5, 7, 1)
        );
        let Value::Seq(size) = &top[2].1.value else {
            panic!("seq")
        };
        assert_eq!(
            (size[1].loc.column, size[1].value.clone()),
            (17, Value::Int(2400))
        );
        assert_eq!(size[1].scalar_text(src).unwrap(), "2400");
        assert_eq!(top[3].1.value, Value::Str("一、\n二、\n".into()));
        assert_eq!(top[4].1.value, Value::Str("a\tb".into()));
        assert_eq!(top[5].1.value, Value::Str("it's".into()));
        assert_eq!(top[6].1.value, Value::Null);
        assert_eq!(top[7].1.value, Value::Map(vec![]));
    }

    #[test]
    fn scalars_resolve_as_serde_saphyr_resolves_them() {
        let spellings = [
            "",
            "~",
            "null",
            "Null",
            "NULL",
            "nULL",
            "true",
            "True",
            "TRUE",
            "tRUE",
            "false",
            "FALSE",
            "yes",
            "no",
            "n",
            "y",
            "on",
            "off",
            "0",
            "-0",
            "+0",
            "00",
            "007",
            "0951",
            "-007",
            "+007",
            "1",
            "+1",
            "-1",
            "12",
            "1_000",
            "1__0",
            "0x1F",
            "0X1F",
            "0x",
            "-0x10",
            "+0x10",
            "0xg",
            "0o17",
            "0O17",
            "0o8",
            "0b101",
            "0B101",
            "0b2",
            "1.10",
            "1.",
            ".5",
            "-.5",
            "+.5",
            "1e5",
            "1E5",
            "1e-3",
            "1.5e+3",
            "1e999",
            "-1e999",
            "1e",
            "e5",
            ".",
            "-",
            "+",
            "+-1",
            "--1",
            ".nan",
            ".NaN",
            ".NAN",
            "-.nan",
            "+.nan",
            ".inf",
            ".Inf",
            ".INF",
            "-.inf",
            "+.inf",
            "-.Inf",
            "inf",
            "-inf",
            "nan",
            "NaN",
            "infinity",
            "Infinity",
            "9223372036854775807",
            "9223372036854775808",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775808",
            "-9223372036854775809",
            "99999999999999999999999999999999999999999",
            "2024-09-12",
            "2024-9-1",
            "12:30",
            "1:2:3",
            "1,000",
            "1 000",
            "3.14.15",
            "0.1.2",
            "1e5.5",
            "0x1.8",
            "12号",
            "٣",
            "１２",
            "1e5_",
            "0b",
            "0o",
            "+.",
            "-.",
            "..5",
            "5..",
            "1.0e",
            "1.0e+",
            "0.0",
            "-0.0",
            "1_0.5",
            "<<",
            "=",
            "!",
            "a: b",
            "abc",
            "中共红旗社区委员会",
        ];
        for s in spellings {
            for written in [
                s.to_owned(),
                format!("\"{s}\""),
                format!("'{s}'"),
                format!("|\n  {s}"),
            ] {
                same(&format!("k: {written}\n"));
                same(&format!("k: [{written}]\n"));
                same(&format!("{written}: v\n"));
                same(&format!("a: 1\n{written}: v\n"));
            }
        }
    }

    #[test]
    fn keys_written_twice_are_serde_saphyrs_error() {
        for src in [
            "a: 1\na: 2\n",
            "a: 1\n\"a\": 2\n",
            "a: 1\n'a': 2\n",
            "x: {a: 1, a: 2}\n",
            "1: a\n0x1: b\n",
            "1: a\n\"1\": b\n",
            "~: a\nnull: b\n",
            "true: a\nTrue: b\n",
            "x:\n  - {k: 1}\n  - {k: 2}\n",
        ] {
            same(src);
        }
        let many: String = (0..40).map(|i| format!("k{i}: {i}\n")).collect();
        assert!(built(&many));
        same(&many);
        same(&format!("{many}k7: again\n"));
    }

    #[test]
    fn anchors_aliases_merge_keys_tags_and_documents_stay_serde_saphyrs() {
        for src in [
            "a: &x 1\nb: *x\n",
            "a: &x {k: v}\nb: *x\n",
            "base: &b {floor: 1}\nroom:\n  <<: *b\n  name: x\n",
            "room:\n  <<: {floor: 1}\n  name: x\n",
            "room:\n  \"<<\": 1\n",
            "a: !!str 1\n",
            "a: !!int \"1\"\n",
            "a: !custom x\n",
            "a: !!binary aGVsbG8=\n",
            "!!map {a: 1}\n",
            "a: b\n---\nc: d\n",
            "---\na: b\n",
            "---\na: b\n...\n",
            "a: b\n...\n---\nc: d\n",
            "%YAML 1.2\n---\na: b\n",
            "%YAML 1.1\n---\na: yes\n",
            "? a\n: b\n",
            "? [a, b]\n: c\n",
            "{a: 1}: b\n",
            "- a\n- b\n",
            "红旗社区\n",
            "---\n",
            "a: *nowhere\n",
            "a: &x [*x]\n",
        ] {
            same(src);
        }
        assert!(built("---\na: b\n"));
        assert!(!built("a: &x 1\nb: *x\n"));
        assert!(!built("a: !!str 1\n"));
    }

    #[test]
    fn syntax_errors_and_odd_layouts_match() {
        for src in [
            "name: x\ngate:\n  - text: \"abc\n",
            "a: [1, 2\n",
            "a: {b: 1\n",
            "a:\n\t- x\n",
            "a: b: c\n",
            "a:\n  - x\n - y\n",
            "a: 'x\n",
            "a: |\n x\n  y\n",
            "a: >-\n  folded\n  text\n\n  more\n",
            "a: |+\n  kept\n\n",
            "a: x # comment\nb: y#not\n",
            "a: multi\n  line\n  plain\n",
            "\u{feff}a: b\n",
            "a: b\r\nc: d\r\n",
            "a: \"\\u7ea2\\x41\\e\"\n",
            "a: \"bad \\q escape\"\n",
            "a: [b, {c: d}, [e]]\n",
            "a: [b, c: d]\n",
            "a:   \n  - \n  -\n",
            "a: -\n",
            "- - -\n",
            "a: @x\n",
            "a: `x\n",
            "a: %x\n",
            "a: b\n c\n",
            "  a: b\n  c: d\n",
            "a:\n- b\n- c\n",
            "a: [\n  1,\n  2,\n]\n",
            "a: \"x\"y\n",
            "a: b\u{0}\n",
            "a: \u{85}b\n",
        ] {
            same(src);
        }
    }

    #[test]
    fn budgets_still_stop_hostile_files() {
        let mut bomb = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        let mut prev = 'a';
        for n in 'b'..='j' {
            bomb.push_str(&format!(
                "{n}: &{n} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
            ));
            prev = n;
        }
        assert_eq!(parse(&bomb).unwrap_err().kind, SyntaxErrorKind::TooComplex);
        same(&bomb);

        let flow = format!("a: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(parse(&flow).unwrap_err().kind, SyntaxErrorKind::TooComplex);
        same(&flow);
        let block: String = (0..500)
            .map(|i| format!("{}- \n", "  ".repeat(i)))
            .collect();
        same(&format!("a:\n{block}"));

        // Around the nesting limit of 24: the last depths the builder takes
        // and the first it leaves to serde-saphyr agree with it.
        for depth in 20..=27 {
            let flow = format!("a: {}x{}\n", "[".repeat(depth), "]".repeat(depth));
            same(&flow);
            let mut block = String::new();
            for d in 0..depth {
                block.push_str(&"  ".repeat(d));
                block.push_str(&format!("k{d}:\n"));
            }
            block.push_str(&"  ".repeat(depth));
            block.push_str("v\n");
            same(&block);
        }

        // 150,000 nodes: past the node budget.
        let wide = format!("a: [{}]\n", vec!["1"; 150_000].join(","));
        assert!(!built(&wide));
        same(&wide);
        let keys: String = (0..60_000).map(|i| format!("k{i}: {i}\n")).collect();
        same(&keys);
    }

    /// Deterministic mutations of every sample: deleted, doubled and inserted
    /// characters, moved indentation, swapped lines. Most give errors (which
    /// must be serde-saphyr's), many still parse (into the same tree).
    #[test]
    fn mutated_samples_match() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move |n: usize| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((seed >> 33) as usize) % n.max(1)
        };
        const INSERTS: &[&str] = &[
            " ",
            "  ",
            "\n",
            ":",
            ": ",
            "-",
            "- ",
            "#",
            " #",
            "\"",
            "'",
            "''",
            "[",
            "]",
            "{",
            "}",
            ",",
            ", ",
            "&a ",
            "*a",
            "!",
            "|",
            "|-",
            "|+",
            "|2",
            ">",
            "?",
            "~",
            "0",
            "1.5",
            "-1",
            "\t",
            "红",
            "<<: ",
            "%",
            "@",
            "---\n",
            "...\n",
            "\r\n",
            "\r",
            "\u{3000}",
            "\u{a0}",
            "\u{85}",
            "\u{2028}",
            "\u{feff}",
            "\\",
            "\"\\n\"",
            "x: y",
            "\n  ",
            "\n    ",
            "\n\n",
            "  \n",
            "- a\n",
            "k:\n",
            "null",
            "true",
            "0x1F",
            ".",
            "`",
            "a b",
            "\u{202e}",
            "\u{1}",
            "- {a: 1}\n",
            "[a, b]",
            "{a: b}",
            ": |\n  x\n",
            " # c\n",
            "\n#c\n",
            "'a'",
            "\"a\"",
        ];
        let (mut taken, mut by_hand, mut total) = (0, 0, 0);
        for (_, text) in samples() {
            let chars: Vec<char> = text.chars().collect();
            for _ in 0..300 {
                let mut c = chars.clone();
                for _ in 0..=next(3) {
                    let at = next(c.len());
                    match next(5) {
                        0 => {
                            c.remove(at);
                        }
                        1 => c.insert(at, c[at]),
                        2 => {
                            for (i, ch) in INSERTS[next(INSERTS.len())].chars().enumerate() {
                                c.insert(at + i, ch);
                            }
                        }
                        3 => {
                            // Indent or dedent the line holding `at`.
                            let start = c[..at]
                                .iter()
                                .rposition(|&x| x == '\n')
                                .map_or(0, |p| p + 1);
                            if next(2) == 0 {
                                c.insert(start, ' ');
                            } else if c.get(start) == Some(&' ') {
                                c.remove(start);
                            }
                        }
                        _ => {
                            let s: String = c.iter().collect();
                            let mut lines: Vec<&str> = s.split('\n').collect();
                            let (i, j) = (next(lines.len()), next(lines.len()));
                            lines.swap(i, j);
                            c = lines.join("\n").chars().collect();
                        }
                    }
                    if c.is_empty() {
                        break;
                    }
                }
                let src: String = c.iter().collect();
                total += 1;
                taken += usize::from(built(&src));
                by_hand += usize::from(read_by_hand(&src));
                same(&src);
            }
        }
        // The builder and the hand-written reader are exercised by the
        // mutants, not only by the samples.
        assert!(taken * 10 > total, "{taken} of {total} built from events");
        assert!(by_hand * 10 > total, "{by_hand} of {total} read by hand");
    }
}

#[cfg(test)]
mod scalar_props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// Short plain scalars made of the characters numbers, nulls and
        /// booleans are spelt with resolve as serde-saphyr resolves them.
        #[test]
        fn number_like_scalars_resolve_alike(s in "[0-9a-fA-FxXoObBnNtTuUlLrRsSeEiI+._~-]{0,12}") {
            let src = format!("k: {s}\nl: [{s}]\n");
            match (parse(&src), parse_with_serde(&src)) {
                (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
                (Err(a), Err(b)) => prop_assert_eq!((a.loc, a.detail), (b.loc, b.detail)),
                (a, b) => prop_assert!(false, "{:?}: {:?} vs {:?}", src, a, b),
            }
        }
    }
}
