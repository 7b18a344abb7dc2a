//! 证明事项: none of the national list of certificates committees must not
//! issue (`cert.abolished`), and, when the site publishes a retained list,
//! nothing outside it (`cert.unlisted`).

use crate::diag::{Msg, Rule};
use crate::model::{Community, Place};
use crate::rules::Findings;
use crate::standard::Standard;

pub fn check(c: &Community, std: &Standard, out: &mut Findings) {
    for (i, cert) in c.certificates.iter().enumerate() {
        // An abolished certificate gets only that finding (SPEC §4), even when
        // it is also off the retained list: one certificate, one thing to stop.
        if let Some(item) = std.abolished_cert(&cert.name.norm) {
            let mut route = String::new();
            if let Some(h) = &item.handler {
                route.push_str(&format!("办理单位：{h}。"));
            }
            if let Some(i) = &item.instead {
                route.push_str(i);
            }
            if let Some(note) = &std.instead_note {
                route.push_str(&format!("（{note}）"));
            }
            out.push_entry(
                Rule::CertAbolished,
                Place::Certificates,
                i,
                cert.loc,
                Msg::new(
                    format!(
                        "“{}”在《{}》上（第 {} 项“{}”），村(居)委会不再出具",
                        cert.name.raw, std.abolished_list, item.number, item.name
                    ),
                    format!(
                        "“{}” is item {} (“{}”) of the national list of certificates committees must not issue",
                        cert.name.raw, item.number, item.name
                    ),
                ),
                Msg::new(
                    format!("停止出具，从清单中删去。{route}"),
                    format!("stop issuing it and remove it from the inventory; residents go to: {}", item.handler.as_deref().unwrap_or("the competent authority")),
                ),
            );
        } else if std.retained.is_some() && std.retained_cert(&cert.name.norm).is_none() {
            out.push_entry(
                Rule::CertUnlisted,
                Place::Certificates,
                i,
                cert.loc,
                Msg::new(
                    format!("“{}”不在本地公布的保留证明事项清单上", cert.name.raw),
                    format!("“{}” is not on the published list of retained certificates", cert.name.raw),
                ),
                Msg::new(
                    "未列入清单的证明事项一律不再出具；确需新增的，由有关部门按程序申报",
                    "certificates not on the list are no longer issued; a new one must be approved first",
                ),
            );
        }
    }
}
