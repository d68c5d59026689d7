//! Text search dictionaries and configurations: rendered as `CREATE`/`ALTER TEXT SEARCH …`, and the
//! names they use (templates, parsers, dictionaries) qualified where they are not in `pg_catalog`.

use super::render::qn;
use crate::schema::{QName, TsConfiguration, TsDictionary};
use crate::sql::q;

/// `simple` → `pg_catalog.simple`; `s.name` → `"s"."name"`: a template, parser or dictionary name.
fn object(name: &str) -> String {
    match name.split_once('.') {
        Some((s, n)) => format!("{}.{}", q(s), q(n)),
        None => format!("pg_catalog.{}", q(name)),
    }
}

/// A dictionary name in a mapping: `pg_catalog` ones unqualified, like `english_stem`.
fn dict(name: &str) -> String {
    match name.split_once('.') {
        Some((s, n)) => format!("{}.{}", q(s), q(n)),
        None => q(name),
    }
}

pub fn create_dictionary(d: &TsDictionary) -> Vec<String> {
    let mut items = vec![format!("TEMPLATE = {}", object(&d.template))];
    items.extend(d.options.iter().cloned());
    vec![format!(
        "CREATE TEXT SEARCH DICTIONARY {} ({})",
        qn(&d.name),
        items.join(", ")
    )]
}

pub fn drop_dictionary(d: &TsDictionary) -> Vec<String> {
    vec![format!("DROP TEXT SEARCH DICTIONARY {}", qn(&d.name))]
}

fn option_name(o: &str) -> &str {
    o.split('=').next().unwrap_or(o).trim()
}

/// New and changed options set, options no longer there removed (an option without a value).
pub fn alter_dictionary(from: &TsDictionary, to: &TsDictionary) -> Vec<String> {
    let mut items: Vec<String> = to
        .options
        .iter()
        .filter(|o| !from.options.contains(o))
        .cloned()
        .collect();
    items.extend(
        from.options
            .iter()
            .map(|o| option_name(o))
            .filter(|n| !to.options.iter().any(|o| option_name(o) == *n))
            .map(str::to_string),
    );
    if items.is_empty() {
        return vec![];
    }
    vec![format!(
        "ALTER TEXT SEARCH DICTIONARY {} ({})",
        qn(&to.name),
        items.join(", ")
    )]
}

fn mapping(name: &QName, verb: &str, token: &str, dicts: &[String]) -> String {
    let with: Vec<String> = dicts.iter().map(|d| dict(d)).collect();
    format!(
        "ALTER TEXT SEARCH CONFIGURATION {} {verb} MAPPING FOR {} WITH {}",
        qn(name),
        q(token),
        with.join(", ")
    )
}

pub fn create_configuration(c: &TsConfiguration) -> Vec<String> {
    let mut v = vec![format!(
        "CREATE TEXT SEARCH CONFIGURATION {} (PARSER = {})",
        qn(&c.name),
        object(&c.parser)
    )];
    v.extend(
        c.mappings
            .iter()
            .map(|(t, d)| mapping(&c.name, "ADD", t, d)),
    );
    v
}

pub fn drop_configuration(c: &TsConfiguration) -> Vec<String> {
    vec![format!("DROP TEXT SEARCH CONFIGURATION {}", qn(&c.name))]
}

pub fn alter_configuration(from: &TsConfiguration, to: &TsConfiguration) -> Vec<String> {
    let mut v = vec![];
    for t in from
        .mappings
        .keys()
        .filter(|t| !to.mappings.contains_key(*t))
    {
        v.push(format!(
            "ALTER TEXT SEARCH CONFIGURATION {} DROP MAPPING FOR {}",
            qn(&to.name),
            q(t)
        ));
    }
    for (t, d) in &to.mappings {
        match from.mappings.get(t) {
            None => v.push(mapping(&to.name, "ADD", t, d)),
            Some(x) if x != d => v.push(mapping(&to.name, "ALTER", t, d)),
            _ => {}
        }
    }
    v
}
