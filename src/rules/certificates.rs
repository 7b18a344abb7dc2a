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
                route.push_str(&format!("告诉群众改到{h}办理"));
                if let Some(i) = &item.instead {
                    route.push_str(&format!("（{}）", i.trim().trim_end_matches('。')));
                }
                route.push('。');
            } else if let Some(i) = &item.instead {
                route.push_str(&format!(
                    "告诉群众可以这样办：{}。",
                    i.trim().trim_end_matches('。')
                ));
            }
            if let Some(note) = &std.instead_note {
                route.push_str(&format!("（{}）", note.trim().trim_end_matches('。')));
            }
            // The seed plan (第四篇 四(三)) keeps residents from being left
            // with nowhere to go: in the transition a listed item residents
            // genuinely need is issued on the facts when within the
            // committee's duties and verifiable. A flat "no longer issued"
            // would tell the clerk otherwise.
            out.push_entry(
                Rule::CertAbolished,
                Place::Certificates,
                i,
                cert.loc,
                Msg::new(
                    format!(
                        "“{}”在《{}》上（第 {} 项“{}”），不再作为村(居)委会出具的证明事项",
                        cert.name.raw, std.abolished_list, item.number, item.name
                    ),
                    format!(
                        "“{}” is item {} (“{}”) of the national list of certificates committees should not issue",
                        cert.name.raw, item.number, item.name
                    ),
                ),
                Msg::new(
                    format!(
                        "不再把它作为常规证明事项出具，并从清单的 certificates 里删去这一项；{route}过渡期间，群众确需办理、属于本村(居)委会职责范围且能够核实的，可以据实出具，不得让群众办事无门"
                    ),
                    format!(
                        "take it off the certificates issued as a rule and send residents to: {}; in the transition, issue it on the facts when residents genuinely need it, it is within the committee's duties and can be verified",
                        item.handler.as_deref().unwrap_or("the competent authority")
                    ),
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
                    "不在保留清单上的证明事项，不再作为村(居)委会出具的证明事项：告诉群众向有关部门办理；确需由村(居)委会出具的，由有关部门按程序申报列入清单",
                    "certificates not on the list are not issued as a rule: send residents to the competent authority; one that committees must issue has to be added to the list first",
                ),
            );
        }
    }
}
