//! A YAML document as a tree of located nodes, parsed by serde-saphyr.
//!
//! Inventories are not deserialised straight into structs: going through this
//! tree lets the loader report every problem in a file (each unknown key, each
//! wrong type) in one run, in Chinese, instead of stopping at serde's first error.
//! serde-saphyr supplies the parsing, the line and column of every value, and
//! the budgets that stop alias bombs and deep nesting.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Options, Spanned};

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

/// Parse one YAML document. An empty document is an error: every file the
/// loader reads must hold a mapping.
pub fn parse(src: &str) -> Result<Node, SyntaxError> {
    if src.trim().is_empty()
        || src
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    {
        return Err(SyntaxError {
            loc: Loc::START,
            detail: "empty document".into(),
            kind: SyntaxErrorKind::Empty,
        });
    }
    serde_saphyr::from_str_with_options::<Node>(src, options()).map_err(|e| {
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
