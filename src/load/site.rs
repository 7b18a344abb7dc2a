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
                format!("base_url“{url}”要以一个 / 开头（不能是 //，那会指向别的网站），或是完整的 http(s):// 地址"),
                format!("base_url `{url}` must start with a single / (`//` would point at another site) or be a full http(s):// address"),
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
        theme: theme(ctx, &top),
        description: string(ctx, &top, "description"),
        organizer: string(ctx, &top, "organizer").filter(|s| !s.is_empty()),
        icp: string(ctx, &top, "icp").filter(|s| !s.is_empty()),
        police_record: string(ctx, &top, "police_record").filter(|s| !s.is_empty()),
        site_code: string(ctx, &top, "site_code").filter(|s| !s.is_empty()),
        timezone: timezone(ctx, &top),
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

/// `theme:` names a folder under `themes/` beside the content folder (where
/// the build looks for it): a name that is no plain folder name, or a
/// folder that is not there, would fail the build, so it is refused here.
fn theme(ctx: &mut Ctx, top: &Obj) -> Option<String> {
    let (field, node) = top.field("theme")?;
    let name = ctx.string(node, field)?;
    let at = top.key_loc("theme").unwrap_or(node.loc);
    let themes = ctx
        .content_dir
        .parent()
        .unwrap_or(std::path::Path::new("."))
        .join("themes");
    let (zh, en) = if !crate::theme::valid_name(&name) {
        (
            format!("主题名“{name}”不能作文件夹名：只写 themes/ 下一个文件夹的名字"),
            format!(
                "the theme `{name}` is not a folder name: write the name of one folder under themes/"
            ),
        )
    } else if !themes.join(&name).is_dir() {
        (
            format!("找不到主题文件夹 {}", themes.join(&name).display()),
            format!(
                "the theme folder {} does not exist",
                themes.join(&name).display()
            ),
        )
    } else {
        return Some(name);
    };
    ctx.schema_error(
        at,
        crate::diag::Msg::new(zh, en),
        crate::diag::Msg::new(
            "写 themes/ 下已有的文件夹名，如 theme: default；不用自己的主题就删掉这一行",
            "name a folder that exists under themes/, e.g. theme: default, or remove the line to use the built-in theme",
        ),
    );
    None
}

/// `timezone:` names a zone of the IANA database (`Asia/Shanghai`,
/// `Asia/Urumqi`): one the database does not have is refused here, with the
/// nearest name, rather than silently dating everything in Beijing time.
fn timezone(ctx: &mut Ctx, top: &Obj) -> Option<String> {
    let (field, node) = top.field("timezone")?;
    let name = ctx.string(node, field)?;
    if crate::commands::new::zone(&name).is_some() {
        return Some(name);
    }
    let names: Vec<String> = jiff::tz::db()
        .available()
        .map(|n| n.as_str().to_owned())
        .collect();
    let hint = crate::load::reader::suggest(&name, names.iter().map(|n| (n.as_str(), &[][..])));
    let (fix_zh, fix_en) = match hint {
        Some(h) => (
            format!(
                "是不是想写“{h}”？中国各地一般写 timezone: Asia/Shanghai（北京时间），不写就是北京时间"
            ),
            format!("did you mean `{h}`? Most of China uses timezone: Asia/Shanghai, the default"),
        ),
        None => (
            "写 IANA 时区名，如 timezone: Asia/Shanghai（北京时间）；不写就是北京时间".to_owned(),
            "write an IANA time zone name such as Asia/Shanghai (the default when absent)"
                .to_owned(),
        ),
    };
    ctx.schema_error(
        node.loc,
        crate::diag::Msg::new(
            format!("时区“{name}”不认识：要写时区数据库（IANA）里的名称"),
            format!(
                "the time zone `{name}` is unknown: write a name from the IANA time zone database"
            ),
        ),
        crate::diag::Msg::new(fix_zh, fix_en),
    );
    None
}

fn string(ctx: &mut Ctx, o: &Obj, key: &str) -> Option<String> {
    o.field(key).and_then(|(f, n)| ctx.string(n, f))
}

/// A base URL the site can be published under: a path from the site's root
/// (`/`, `/qingpai/`), or an absolute http(s) address with a host. `//host/`
/// and `/\\host/` are refused: browsers read both as another site's address.
/// Is `url` a full http(s) address, as sitemap.xml, robots.txt's `Sitemap:`
/// line, canonical links, og:image and SARIF's help links need (a bare path
/// is invalid in all of them)?
pub fn is_absolute_url(url: &str) -> bool {
    url.starts_with("https://") || url.starts_with("http://")
}

pub fn valid_base_url(url: &str) -> bool {
    let ok_chars = !url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>' | '\\' | '`'));
    if !ok_chars {
        return false;
    }
    if let Some(rest) = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
    {
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        return !host.is_empty() && !host.starts_with('@');
    }
    url.starts_with('/') && !url.starts_with("//")
}

#[cfg(test)]
mod tests {
    use super::valid_base_url;

    #[test]
    fn base_urls() {
        for ok in [
            "/",
            "/qingpai/",
            "https://example.gov.cn/qingpai/",
            "http://a.b",
        ] {
            assert!(valid_base_url(ok), "{ok}");
        }
        for bad in [
            "//evil.example/",
            "/\\evil.example/",
            "https://",
            "https:///x",
            "javascript:alert(1)",
            "qingpai/",
            "/a b/",
            "",
        ] {
            assert!(!valid_base_url(bad), "{bad}");
        }
    }
}
