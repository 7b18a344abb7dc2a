//! Font subsets for the PDFs: `src/pdf/font.rs` (our CID-keyed CFF writer)
//! against allsorts' `subset` (which printpdf depends on), on the characters
//! a sample community's sheet uses. Prints time per subset and size.
//!
//!     cargo bench --bench font_subset

use std::collections::BTreeSet;
use std::time::Instant;

use allsorts::binary::read::ReadScope;
use allsorts::font_data::FontData;
use allsorts::subset::{CmapTarget, SubsetProfile, subset};
use allsorts::tables::FontTableProvider;
use qingpai::fonts::{REGULAR_OTF, Weight};

fn main() {
    // The characters of the whole sample county: a generous "one document".
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let mut chars = BTreeSet::new();
    let mut stack = vec![root];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "yaml") {
                chars.extend(
                    std::fs::read_to_string(&p)
                        .unwrap()
                        .chars()
                        .filter(|c| !c.is_control()),
                );
            }
        }
    }
    let face = ttf_parser::Face::parse(REGULAR_OTF, 0).unwrap();
    let mut gids: Vec<u16> = vec![0];
    gids.extend(
        chars
            .iter()
            .filter_map(|&c| face.glyph_index(c))
            .map(|g| g.0),
    );
    gids.sort();
    gids.dedup();
    println!("{} characters, {} glyphs", chars.len(), gids.len());

    const N: usize = 20;
    let t = Instant::now();
    let ours = qingpai::pdf::font::subset(Weight::Regular, &chars);
    let first = t.elapsed();
    let t = Instant::now();
    for _ in 0..N {
        std::hint::black_box(qingpai::pdf::font::subset(Weight::Regular, &chars));
    }
    println!(
        "src/pdf/font.rs: first {:.1} ms (outlines encoded), then {:.2} ms per subset; {} bytes of bare CFF (what the PDF embeds)",
        first.as_secs_f64() * 1e3,
        t.elapsed().as_secs_f64() * 1e3 / N as f64,
        ours.cff.len()
    );

    let scope = ReadScope::new(REGULAR_OTF);
    let data = scope.read::<FontData>().unwrap();
    let provider = data.table_provider(0).unwrap();
    assert!(provider.has_table(allsorts::tag::CFF));
    let t = Instant::now();
    let mut size = 0;
    for _ in 0..N {
        size = subset(
            &provider,
            &gids,
            &SubsetProfile::Pdf,
            CmapTarget::Unrestricted,
        )
        .unwrap()
        .len();
    }
    println!(
        "allsorts subset (Pdf profile): {:.2} ms per subset; {size} bytes of OpenType (its CFF table is embedded)",
        t.elapsed().as_secs_f64() * 1e3 / N as f64,
    );
}
