//! `Schema` → `models.toml` text (for `inspect`): names only where they differ from the default,
//! column-level sugar where it fits, deterministic order.

use crate::dialect::Dialect;
use crate::schema::*;

pub(super) fn s(v: &str) -> String {
    toml::Value::String(v.to_string()).to_string()
}

pub(super) fn key(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        k.to_string()
    } else {
        // A basic string on one line (keys cannot be multi-line strings, which `s` may choose).
        let mut out = String::from("\"");
        for ch in k.chars() {
            match ch {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }
}

/// A schema-qualified name as models.toml reads it back (`QName::parse` splits at the first dot): a
/// name in the default schema that has a dot itself is written qualified (`public.a.b`).
pub(super) fn qtext(q: &QName, d: &dyn Dialect) -> String {
    match &q.schema {
        None if q.name.contains('.') => format!("{}.{}", d.default_namespace(), q.name),
        _ => q.to_string(),
    }
}

pub(super) fn list(v: &[String]) -> String {
    format!(
        "[{}]",
        v.iter().map(|x| s(x)).collect::<Vec<_>>().join(", ")
    )
}

pub(super) fn inline(fields: &[(String, String)]) -> String {
    format!(
        "{{ {} }}",
        fields
            .iter()
            .map(|(k, v)| format!("{k} = {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

pub(super) fn f(k: &str, v: String) -> (String, String) {
    (k.to_string(), v)
}

fn seq_fields(o: &SeqOptions, out: &mut Vec<(String, String)>) {
    for (k, v) in [
        ("start", o.start),
        ("increment", o.increment),
        ("min", o.min),
        ("max", o.max),
        ("cache", o.cache),
    ] {
        if let Some(v) = v {
            out.push(f(k, v.to_string()));
        }
    }
    if o.cycle {
        out.push(f("cycle", "true".into()));
    }
}

fn deferrable(d: Deferrable) -> Option<String> {
    match d {
        Deferrable::No => None,
        Deferrable::Immediate => Some(s("immediate")),
        Deferrable::Deferred => Some(s("deferred")),
    }
}

/// Whether `seq` is exactly what `serial` on `table.col` creates (as the dialect expands it).
fn is_serial(d: &dyn Dialect, schema: &Schema, t: &Table, c: &Column) -> Option<QName> {
    let def = c.default.as_ref()?;
    let serial = match c.ty.as_str() {
        "integer" => "serial",
        "bigint" => "bigserial",
        "smallint" => "smallserial",
        _ => return None,
    };
    let (int, expected, default) = d.serial(&t.name, &c.name, serial)?;
    let seq = schema.sequences.get(&expected.name)?;
    let ok = def.key == d.expr_key(&default.sql)
        && int == c.ty
        && seq.owned_by.as_ref() == Some(&(t.name.clone(), c.name.clone()))
        && seq.ty == c.ty
        && seq.options == SeqOptions::default()
        && seq.comment.is_none();
    ok.then_some(expected.name)
}

fn ref_str(d: &dyn Dialect, t: &QName, col: Option<&str>) -> String {
    match col {
        Some(c) => format!("{}.{c}", qtext(t, d)),
        None => qtext(t, d),
    }
}

/// Writes the models file for `schema`. `url` goes into `[database]` when given.
pub fn write(schema: &Schema, d: &dyn Dialect, url: Option<&str>) -> String {
    let mut out = String::new();
    out.push_str("# Written by `autogen inspect`. Edit freely: this file is the source of truth.\n\n[database]\n");
    if let Some(u) = url {
        out.push_str(&format!("url = {}\n", s(u)));
    }
    if !s_empty(&schema.namespaces) {
        let mut ns = vec![d.default_namespace().to_string()];
        ns.extend(schema.namespaces.iter().cloned());
        out.push_str(&format!("schemas = {}\n", list(&ns)));
    }
    if !schema.extensions.is_empty() {
        let e: Vec<String> = schema
            .extensions
            .iter()
            .map(|e| match &e.schema {
                Some(s) => format!("{s}.{}", e.name),
                None => e.name.clone(),
            })
            .collect();
        out.push_str(&format!("extensions = {}\n", list(&e)));
    }
    super::write_objects::collations_and_text_search(&mut out, schema, d);
    for (n, e) in &schema.enums {
        out.push_str(&format!(
            "\n[enums.{}]\nvalues = {}\n",
            key(&qtext(n, d)),
            list(&e.values)
        ));
        if let Some(c) = &e.comment {
            out.push_str(&format!("comment = {}\n", s(c)));
        }
    }
    for (n, dm) in &schema.domains {
        out.push_str(&format!(
            "\n[domains.{}]\ntype = {}\n",
            key(&qtext(n, d)),
            s(&dm.ty)
        ));
        if !dm.nullable {
            out.push_str("nullable = false\n");
        }
        if let Some(x) = &dm.default {
            out.push_str(&format!("default = {}\n", s(&x.sql)));
        }
        if let Some(c) = &dm.collation {
            out.push_str(&format!(
                "collation = {}\n",
                s(&crate::sql::unquote_chain(c))
            ));
        }
        if !dm.checks.is_empty() {
            let cs: Vec<String> = dm
                .checks
                .iter()
                .map(|c| inline(&[f("name", s(&c.name)), f("expr", s(&c.expr.sql))]))
                .collect();
            out.push_str(&format!("checks = [\n  {},\n]\n", cs.join(",\n  ")));
        }
        if let Some(c) = &dm.comment {
            out.push_str(&format!("comment = {}\n", s(c)));
        }
    }
    // Serial sequences are written as `type = "serial"` on their column.
    let mut serial_seqs = std::collections::BTreeSet::new();
    for t in schema.tables.values() {
        for c in &t.columns {
            if let Some(q) = is_serial(d, schema, t, c) {
                serial_seqs.insert(q);
            }
        }
    }
    for (n, sq) in &schema.sequences {
        if serial_seqs.contains(n) {
            continue;
        }
        out.push_str(&format!(
            "\n[sequences.{}]\ntype = {}\n",
            key(&qtext(n, d)),
            s(&sq.ty)
        ));
        let mut fields = vec![];
        seq_fields(&sq.options, &mut fields);
        for (k, v) in fields {
            out.push_str(&format!("{k} = {v}\n"));
        }
        if let Some((t, c)) = &sq.owned_by {
            out.push_str(&format!("owned_by = {}\n", s(&format!("{t}.{c}"))));
        }
        if let Some(c) = &sq.comment {
            out.push_str(&format!("comment = {}\n", s(c)));
        }
    }
    for f in schema.functions.values() {
        let body = f.sql.sql.trim_end();
        let text = if body.contains("'''") {
            s(body)
        } else {
            format!("'''\n{body}\n'''")
        };
        out.push_str(&format!(
            "\n[functions.{}]\nsql = {text}\n",
            key(&format!("{}({})", qtext(&f.name, d), f.args))
        ));
    }
    for t in schema.tables.values() {
        write_table(&mut out, schema, t, d);
    }
    super::write_views::views_and_the_rest(&mut out, schema, d);
    out
}

fn s_empty(v: &[String]) -> bool {
    v.is_empty()
}

fn write_table(out: &mut String, schema: &Schema, t: &Table, d: &dyn Dialect) {
    let tn = &t.name.name;
    out.push_str(&format!("\n[tables.{}]\n", key(&qtext(&t.name, d))));
    if let Some(c) = &t.comment {
        out.push_str(&format!("comment = {}\n", s(c)));
    }
    if let Some(p) = &t.partition_of {
        out.push_str(&format!(
            "partition_of = {}\npartition_bound = {}\n",
            s(&qtext(&p.parent, d)),
            s(&p.bound.sql)
        ));
    }
    if !t.inherits.is_empty() {
        let p: Vec<String> = t.inherits.iter().map(|q| qtext(q, d)).collect();
        out.push_str(&format!("inherits = {}\n", list(&p)));
    }
    if !t.not_null.is_empty() {
        out.push_str(&format!("not_null = {}\n", list(&t.not_null)));
    }
    if let Some(p) = &t.partition_by {
        out.push_str(&format!("partition_by = {}\n", s(&p.sql)));
    }
    if t.row_security != RowSecurity::Off {
        out.push_str(&format!(
            "row_level_security = {}\n",
            s(t.row_security.model_name())
        ));
    }
    if !t.options.is_empty() {
        let opts: Vec<String> = t
            .options
            .iter()
            .filter(|o| *o != "autoincrement")
            .cloned()
            .collect();
        if !opts.is_empty() {
            out.push_str(&format!("options = {}\n", list(&opts)));
        }
    }
    let default_pk = t.primary_key.as_ref().is_some_and(|p| {
        p.columns.len() == 1
            && p.name == d.default_name(tn, &[], "pkey")
            && p.deferrable == Deferrable::No
    });
    let col_unique = |c: &str| {
        t.uniques.iter().find(|u| {
            u.columns.len() == 1
                && u.columns[0] == c
                && u.name == d.default_name(tn, &u.columns, "key")
                && !u.nulls_not_distinct
                && u.deferrable == Deferrable::No
        })
    };
    let eligible = |fk: &ForeignKey| {
        fk.columns.len() == 1
            && fk.name == d.default_name(tn, &fk.columns, "fkey")
            && fk.deferrable == Deferrable::No
            && !fk.match_full
            && !fk.not_valid
            && fk.ref_columns.len() == 1
    };
    // Where declaration order is what the database reports (SQLite), column-level `references` may be
    // used only if loading them back (column order first, then the list) keeps that order.
    let sugar_ok = d.keeps_constraint_names() || {
        let pos = |fk: &ForeignKey| {
            t.columns
                .iter()
                .position(|c| c.name == fk.columns[0])
                .unwrap_or(usize::MAX)
        };
        let mut inl: Vec<&ForeignKey> = t.foreign_keys.iter().filter(|f| eligible(f)).collect();
        inl.sort_by_key(|f| pos(f));
        let rest = t.foreign_keys.iter().filter(|f| !eligible(f));
        inl.into_iter().chain(rest).eq(t.foreign_keys.iter())
    };
    let col_fk = |c: &str| {
        t.foreign_keys.iter().find(|fk| {
            sugar_ok
                && fk.columns.len() == 1
                && fk.columns[0] == c
                && fk.name == d.default_name(tn, &fk.columns, "fkey")
                && fk.deferrable == Deferrable::No
                && !fk.match_full
                && !fk.not_valid
                && fk.ref_columns.len() == 1
        })
    };
    let mut inline_uniques = vec![];
    let mut inline_fks = vec![];
    let mut cols = vec![];
    for c in &t.columns {
        let mut fl = vec![f("name", s(&c.name))];
        match is_serial(d, schema, t, c) {
            Some(_) => fl.push(f(
                "type",
                s(match c.ty.as_str() {
                    "bigint" => "bigserial",
                    "smallint" => "smallserial",
                    _ => "serial",
                }),
            )),
            None => fl.push(f("type", s(c.sql_type()))),
        }
        if default_pk
            && t.primary_key
                .as_ref()
                .is_some_and(|p| p.columns[0] == c.name)
        {
            fl.push(f("primary_key", "true".into()));
            if t.options.iter().any(|o| o == "autoincrement") {
                fl.push(f("autoincrement", "true".into()));
            }
        }
        if c.auto_increment {
            fl.push(f("autoincrement", "true".into()));
        }
        if c.invisible {
            fl.push(f("invisible", "true".into()));
        }
        if let Some(i) = &c.identity {
            if i.options == SeqOptions::default() {
                fl.push(f(
                    "identity",
                    if i.always { s("always") } else { "true".into() },
                ));
            } else {
                let mut o = vec![f("always", i.always.to_string())];
                seq_fields(&i.options, &mut o);
                fl.push(f("identity", inline(&o)));
            }
        }
        if c.sql_nullable() {
            fl.push(f("nullable", "true".into()));
        }
        if let Some(x) = &c.default {
            if is_serial(d, schema, t, c).is_none() {
                fl.push(f("default", s(&x.sql)));
            }
        }
        if let Some(g) = &c.generated {
            fl.push(f("generated", s(&g.sql)));
            if c.stored && !d.generated_always_stored() {
                fl.push(f("stored", "true".into()));
            }
        }
        if let Some(u) = col_unique(&c.name) {
            fl.push(f("unique", "true".into()));
            inline_uniques.push(u.name.clone());
        }
        if let Some(fk) = col_fk(&c.name) {
            fl.push(f(
                "references",
                s(&ref_str(d, &fk.ref_table, Some(&fk.ref_columns[0]))),
            ));
            if fk.on_delete != d.default_fk_action() {
                fl.push(f("on_delete", s(fk.on_delete.model_name())));
            }
            if fk.on_update != d.default_fk_action() {
                fl.push(f("on_update", s(fk.on_update.model_name())));
            }
            inline_fks.push(fk.name.clone());
        }
        if let Some(u) = &c.on_update {
            if !fl.iter().any(|x| x.0 == "on_update") {
                fl.push(f("on_update", s(&u.sql)));
            }
        }
        if let Some(x) = &c.collation {
            fl.push(f("collation", s(&crate::sql::unquote_chain(x))));
        }
        if let Some(x) = &c.comment {
            fl.push(f("comment", s(x)));
        }
        cols.push(inline(&fl));
    }
    if !cols.is_empty() {
        out.push_str(&format!("columns = [\n  {},\n]\n", cols.join(",\n  ")));
    }
    if let Some(pk) = &t.primary_key {
        if !default_pk {
            if pk.name == d.default_name(tn, &[], "pkey") && pk.deferrable == Deferrable::No {
                out.push_str(&format!("primary_key = {}\n", list(&pk.columns)));
            } else {
                let mut fl = vec![];
                if pk.name != d.default_name(tn, &[], "pkey") {
                    fl.push(f("name", s(&pk.name)));
                }
                fl.push(f("columns", list(&pk.columns)));
                if let Some(x) = deferrable(pk.deferrable) {
                    fl.push(f("deferrable", x));
                }
                out.push_str(&format!("primary_key = {}\n", inline(&fl)));
            }
        }
    }
    let uniques: Vec<String> = t
        .uniques
        .iter()
        .filter(|u| !inline_uniques.contains(&u.name))
        .map(|u| {
            let mut fl = vec![];
            if u.name != d.default_name(tn, &u.columns, "key") {
                fl.push(f("name", s(&u.name)));
            }
            fl.push(f("columns", list(&u.columns)));
            if u.nulls_not_distinct {
                fl.push(f("nulls_not_distinct", "true".into()));
            }
            if let Some(x) = deferrable(u.deferrable) {
                fl.push(f("deferrable", x));
            }
            inline(&fl)
        })
        .collect();
    if !uniques.is_empty() {
        out.push_str(&format!("unique = [\n  {},\n]\n", uniques.join(",\n  ")));
    }
    let colnames: Vec<String> = t.columns.iter().map(|c| c.name.clone()).collect();
    let checks: Vec<String> = t
        .checks
        .iter()
        .map(|c| {
            let sole = crate::sql::sole_column(&c.expr.sql, &colnames);
            let mut fl = vec![];
            if c.name != d.default_name(tn, &sole.into_iter().collect::<Vec<_>>(), "check") {
                fl.push(f("name", s(&c.name)));
            }
            fl.push(f("expr", s(&c.expr.sql)));
            if c.no_inherit {
                fl.push(f("no_inherit", "true".into()));
            }
            if c.not_valid {
                fl.push(f("not_valid", "true".into()));
            }
            inline(&fl)
        })
        .collect();
    if !checks.is_empty() {
        out.push_str(&format!("checks = [\n  {},\n]\n", checks.join(",\n  ")));
    }
    let others: Vec<String> = t
        .others
        .iter()
        .map(|o| {
            let exclude = o
                .definition
                .sql
                .trim_start()
                .get(..7)
                .is_some_and(|w| w.eq_ignore_ascii_case("exclude"));
            let names = crate::sql::index_column_names(
                crate::sql::exclude_elements(&o.definition.sql)
                    .iter()
                    .map(String::as_str),
                &colnames,
            );
            if exclude && o.name == d.default_name(tn, &names, "excl") {
                inline(&[f("definition", s(&o.definition.sql))])
            } else {
                inline(&[f("name", s(&o.name)), f("definition", s(&o.definition.sql))])
            }
        })
        .collect();
    if !others.is_empty() {
        out.push_str(&format!(
            "constraints = [\n  {},\n]\n",
            others.join(",\n  ")
        ));
    }
    let fks: Vec<String> = t
        .foreign_keys
        .iter()
        .filter(|fk| !inline_fks.contains(&fk.name))
        .map(|fk| {
            let mut fl = vec![];
            if fk.name != d.default_name(tn, &fk.columns, "fkey") {
                fl.push(f("name", s(&fk.name)));
            }
            fl.push(f("columns", list(&fk.columns)));
            fl.push(f("references", s(&qtext(&fk.ref_table, d))));
            fl.push(f("referenced_columns", list(&fk.ref_columns)));
            if fk.on_delete != d.default_fk_action() {
                fl.push(f("on_delete", s(fk.on_delete.model_name())));
            }
            if fk.on_update != d.default_fk_action() {
                fl.push(f("on_update", s(fk.on_update.model_name())));
            }
            if let Some(x) = deferrable(fk.deferrable) {
                fl.push(f("deferrable", x));
            }
            if fk.match_full {
                fl.push(f("match", s("full")));
            }
            if fk.not_valid {
                fl.push(f("not_valid", "true".into()));
            }
            inline(&fl)
        })
        .collect();
    if !fks.is_empty() {
        out.push_str(&format!("foreign_keys = [\n  {},\n]\n", fks.join(",\n  ")));
    }
    // Indexes the database makes by itself (InnoDB's for a foreign key) are left to it.
    let own: Vec<Index> = t
        .indexes
        .iter()
        .filter(|i| !d.implied_index(t, i))
        .cloned()
        .collect();
    super::write_indexes::write_indexes(out, tn, &own, &colnames, d);
}
