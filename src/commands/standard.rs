//! `qingpai standard`: print the built-in standard as YAML, ready to copy into
//! `content/standard.yaml` and change.

pub fn render() -> &'static str {
    crate::standard::DEFAULT_YAML
}
