//! `content/site.yaml` (SPEC §2) from its YAML tree to [`Site`].

use crate::load::node::Node;
use crate::load::reader::{Ctx, Obj};
use crate::load::shape;
use crate::model::{Channel, Site};

pub fn read(ctx: &mut Ctx, doc: &Node) -> Option<Site> {
    let top = ctx.object(doc, &shape::SITE)?;
    let title = string(ctx, &top, "title");
    let region = string(ctx, &top, "region");
    let mut site = Site {
        base_url: string(ctx, &top, "base_url"),
        theme: string(ctx, &top, "theme"),
        description: string(ctx, &top, "description"),
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
