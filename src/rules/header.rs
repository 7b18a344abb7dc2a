//! 门头: only the standard's identifiers (`header.unlisted`,
//! `header.duplicate`, `header.missing`).

use std::collections::HashMap;

use crate::diag::{Loc, Msg, Rule};
use crate::model::{Community, Place};
use crate::rules::Findings;
use crate::standard::{Identifier, Standard};

/// Which identifier a normalised header text is: the identifier itself or,
/// where allowed, a place name ending with the community's name before it.
pub fn identify<'s>(norm: &str, community_name: &str, std: &'s Standard) -> Option<&'s Identifier> {
    std.identifiers.iter().find(|i| {
        norm == i.norm
            || (i.allow_place_prefix
                && !community_name.is_empty()
                && norm
                    .strip_suffix(i.norm.as_str())
                    .is_some_and(|place| place.ends_with(community_name)))
    })
}

pub fn check(c: &Community, std: &Standard, out: &mut Findings) {
    let mut first: HashMap<&str, (Loc, &str)> = HashMap::new();
    for (i, p) in c.header.iter().enumerate() {
        let Some(ident) = identify(&p.text.norm, &c.name.norm, std) else {
            // A known identifier with the wrong place name before it is worth naming.
            let near = std
                .identifiers
                .iter()
                .find(|i| i.allow_place_prefix && p.text.norm.ends_with(i.norm.as_str()));
            let fix = match near {
                Some(i) => Msg::new(
                    format!(
                        "名称不是本村(社区)：改为“{}”或“{}”",
                        i.text,
                        i.proposed_for(&c.name.raw)
                    ),
                    format!(
                        "the place is not this community: use “{}” or “{}”",
                        i.text,
                        i.proposed_for(&c.name.raw)
                    ),
                ),
                None => Msg::new(
                    format!("摘除；门头只保留{}", std.identifier_names()),
                    format!(
                        "take it down; the header keeps only {}",
                        std.identifier_names()
                    ),
                ),
            };
            out.push_entry(
                Rule::HeaderUnlisted,
                Place::Header,
                i,
                p.loc,
                Msg::new(
                    format!(
                        "门头不得悬挂“{}”：只许挂{}这 {} 个标识",
                        p.text.raw,
                        std.identifier_names(),
                        std.identifiers.len()
                    ),
                    format!(
                        "“{}” may not hang on the door header: only {}",
                        p.text.raw,
                        std.identifier_names()
                    ),
                ),
                fix,
            );
            continue;
        };
        if let Some(&(kept, text)) = first.get(ident.id.as_str()) {
            let line = kept.line;
            out.push_entry(
                Rule::HeaderDuplicate,
                Place::Header,
                i,
                p.loc,
                Msg::new(
                    format!("“{}”在门头挂了第二次", p.text.raw),
                    format!("“{}” hangs on the door header a second time", p.text.raw),
                ),
                Msg::new(
                    format!("摘除这一个，保留第 {line} 行的“{text}”"),
                    format!("take this one down and keep “{text}” (line {line})"),
                ),
            );
            out.relate_last(kept, Msg::new("保留这一个", "keep this one"));
            continue;
        }
        first.insert(&ident.id, (p.loc, &p.text.raw));
    }
    for ident in &std.identifiers {
        if !first.contains_key(ident.id.as_str()) {
            let proposed = ident.proposed_for(&c.name.raw);
            out.push(
                Rule::HeaderMissing,
                c.header_loc,
                Msg::new(
                    format!("门头缺少“{}”标识", ident.text),
                    format!("the door header lacks the identifier “{}”", ident.text),
                ),
                Msg::new(
                    format!("按标准制作“{proposed}”挂在门头，并记入 header"),
                    format!("make “{proposed}”, hang it on the header and list it under header"),
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        let std = Standard::builtin();
        let id =
            |t: &str| identify(&crate::text::normalize(t), "红旗社区", &std).map(|i| i.id.clone());
        assert_eq!(id("中国社区").as_deref(), Some("zhongguo-shequ"));
        assert_eq!(id("中 国 社 区").as_deref(), Some("zhongguo-shequ"));
        assert_eq!(id("党群服务中心").as_deref(), Some("dangqun"));
        assert_eq!(id("红旗社区党群服务中心").as_deref(), Some("dangqun"));
        assert_eq!(id("城关镇红旗社区党群服务中心").as_deref(), Some("dangqun"));
        assert_eq!(id("红星社区党群服务中心"), None);
        assert_eq!(id("红旗社区中国社区"), None);
        assert_eq!(id("红旗社区"), None);
    }
}
