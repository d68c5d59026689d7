//! models.toml sections for collations and text search dictionaries and configurations, as
//! `inspect` writes them (see `write`).

use super::write::{key, list, qtext, s};
use crate::dialect::Dialect;
use crate::schema::Schema;

pub(super) fn collations_and_text_search(out: &mut String, schema: &Schema, d: &dyn Dialect) {
    for (n, c) in &schema.collations {
        out.push_str(&format!(
            "\n[collations.{}]\nprovider = {}\n",
            key(&qtext(n, d)),
            s(&c.provider)
        ));
        for (k, v) in [
            ("locale", &c.locale),
            ("lc_collate", &c.lc_collate),
            ("lc_ctype", &c.lc_ctype),
        ] {
            if let Some(v) = v {
                out.push_str(&format!("{k} = {}\n", s(v)));
            }
        }
        if !c.deterministic {
            out.push_str("deterministic = false\n");
        }
    }
    for (n, t) in &schema.ts_dictionaries {
        out.push_str(&format!(
            "\n[text_search_dictionaries.{}]\ntemplate = {}\n",
            key(&qtext(n, d)),
            s(&t.template)
        ));
        if !t.options.is_empty() {
            out.push_str(&format!("options = {}\n", s(&t.options.join(", "))));
        }
    }
    for (n, c) in &schema.ts_configurations {
        out.push_str(&format!(
            "\n[text_search_configurations.{}]\nparser = {}\n",
            key(&qtext(n, d)),
            s(&c.parser)
        ));
        if !c.mappings.is_empty() {
            let m: Vec<String> = c
                .mappings
                .iter()
                .map(|(t, d)| format!("{} = {}", key(t), list(d)))
                .collect();
            out.push_str(&format!("mappings = {{ {} }}\n", m.join(", ")));
        }
    }
}
