//! `content/site.yaml` (SPEC §2) from its YAML tree to [`Site`].

use crate::load::node::Node;
use crate::load::reader::{Ctx, Obj};
use crate::load::shape;
use crate::model::{Channel, Site};

pub fn read(ctx: &mut Ctx, doc: &Node) -> Option<Site> {
    let top = ctx.object(doc, &shape::SITE)?;
    let title = string(ctx, &top, "title");
    let region = string(ctx, &top, "region");
    let base_url = top.field("base_url").and_then(|(f, n)| {
        let url = ctx.string(n, f)?;
        if valid_base_url(&url) {
            return Some(url);
        }
        ctx.schema_error(
            n.loc,
            crate::diag::Msg::new(
                format!("base_url“{url}”要以 / 开头，或是完整的 http(s):// 地址"),
                format!("base_url `{url}` must start with / or be a full http(s):// address"),
            ),
            crate::diag::Msg::new(
                "如 base_url: / 或 base_url: https://example.gov.cn/qingpai/",
                "e.g. / or https://example.gov.cn/qingpai/",
            ),
        );
        None
    });
    let mut site = Site {
        base_url,
        theme: string(ctx, &top, "theme"),
        description: string(ctx, &top, "description"),
        organizer: string(ctx, &top, "organizer").filter(|s| !s.is_empty()),
        icp: string(ctx, &top, "icp").filter(|s| !s.is_empty()),
        police_record: string(ctx, &top, "police_record").filter(|s| !s.is_empty()),
        site_code: string(ctx, &top, "site_code").filter(|s| !s.is_empty()),
        ..Site::default()
    };
    if let Some((field, node)) = top.field("supervision") {
        for item in ctx.list(node, field) {
            let Some(o) = ctx.object(item, &shape::CHANNEL) else {
                continue;
            };
            site.supervision.push(Channel {
                level: string(ctx, &o, "level").unwrap_or_default(),
                name: string(ctx, &o, "name"),
                phone: string(ctx, &o, "phone"),
                email: string(ctx, &o, "email"),
                address: string(ctx, &o, "address"),
                website: string(ctx, &o, "website"),
                hours: string(ctx, &o, "hours"),
            });
        }
    }
    site.title = title?;
    site.region = region?;
    Some(site)
}

fn string(ctx: &mut Ctx, o: &Obj, key: &str) -> Option<String> {
    o.field(key).and_then(|(f, n)| ctx.string(n, f))
}

/// A base URL the site can be published under: a path, or an http(s) address.
pub fn valid_base_url(url: &str) -> bool {
    let ok_chars = !url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>');
    ok_chars && (url.starts_with('/') || url.starts_with("https://") || url.starts_with("http://"))
}
