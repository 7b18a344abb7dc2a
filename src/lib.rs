//! qingpai (清牌): checks the signage inventories of villages and communities
//! against the standard, and publishes the result.
//!
//! Where things live:
//! - [`load`]: reading content files with line and column (`input.*` codes);
//! - [`standard`]: the standard as data (the built-in default is `standard/default.yaml`);
//! - [`rules`]: one file per place (gate, header, walls, indoor, wall rules, awards, certificates);
//! - [`check`]: runs the rules, sorts, counts;
//! - [`output`]: publishing the built site safely, and every `--output FILE`;
//! - [`report`]: text and JSON output;
//! - [`commands`]: one file per command.

pub mod build;
pub mod check;
pub mod cli;
pub mod commands;
pub mod diag;
pub mod draw;
pub mod fonts;
pub mod load;
pub mod model;
pub mod output;
pub mod pdf;
pub mod plan;
pub mod report;
pub mod rules;
pub mod serve;
pub mod site;
pub mod slug;
pub mod standard;
pub mod stats;
pub mod text;
pub mod theme;
