//! `qingpai schema`: the JSON Schema of a community file, built from the same
//! shape tables the loader checks against, with the categories and displays of
//! the standard in force. Editors (VS Code's YAML extension) use it to
//! complete keys and flag typos while staff type.

use serde_json::{Map, Value, json};

use crate::load::shape::{self, Shape, Ty};
use crate::standard::Standard;

pub fn community_schema(std: &Standard) -> Value {
    let mut schema = object(&shape::COMMUNITY, std);
    let obj = schema.as_object_mut().expect("an object schema");
    obj.insert(
        "$schema".into(),
        json!("http://json-schema.org/draft-07/schema#"),
    );
    obj.insert(
        "title".into(),
        json!("qingpai 村(社区)标识标牌清单 / community inventory"),
    );
    obj.insert(
        "description".into(),
        // The standard's short citation: its name is not a document's title.
        json!(format!("{}。用 qingpai check 查看结果。", std.citation())),
    );
    schema
}

fn object(shape: &Shape, std: &Standard) -> Value {
    let mut props = Map::new();
    for f in shape.fields {
        let mut s = of(&f.ty, std);
        if let Some(o) = s.as_object_mut() {
            o.insert("description".into(), json!(format!("{} / {}", f.zh, f.en)));
        }
        props.insert(f.key.into(), s);
    }
    let required: Vec<&str> = shape
        .fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.key)
        .collect();
    json!({
        "type": "object",
        "description": format!("{} / {}", shape.zh, shape.en),
        "additionalProperties": false,
        "required": required,
        "properties": props,
    })
}

fn of(ty: &Ty, std: &Standard) -> Value {
    match ty {
        Ty::Text => json!({"type": ["string", "number"]}),
        Ty::Int => json!({"type": "integer"}),
        Ty::Bool => json!({"type": "boolean"}),
        Ty::Date => json!({"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}),
        Ty::Size => json!({
            "type": "array",
            "items": {"type": "integer", "minimum": 1, "maximum": 100000},
            "minItems": 2,
            "maxItems": 2,
        }),
        Ty::Enum(words) => json!({"enum": words}),
        Ty::Category => {
            json!({"enum": std.categories.iter().map(|c| c.id.as_str()).collect::<Vec<_>>()})
        }
        Ty::Display => {
            json!({"enum": std.displays.iter().map(|d| d.id.as_str()).collect::<Vec<_>>()})
        }
        Ty::Path => json!({"type": "string"}),
        Ty::Floor => json!({"type": ["integer", "string"]}),
        Ty::List(item) => json!({"type": ["array", "null"], "items": of(item, std)}),
        Ty::TextList => json!({"type": ["array", "null"], "items": {"type": "string"}}),
        Ty::Obj(shape) => object(shape, std),
        Ty::TextOrObj(shape) => {
            json!({"anyOf": [{"type": ["string", "number"]}, object(shape, std)]})
        }
    }
}

pub fn render(std: &Standard) -> String {
    serde_json::to_string_pretty(&community_schema(std)).expect("a JSON value always serialises")
        + "\n"
}
