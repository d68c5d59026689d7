//! PostgreSQL definitions as SQL: columns, constraints, indexes, tables, sequences, domains and
//! comments, the pieces `render` puts together for each op.

use super::render::{lit, qn};
use crate::dialect::canonical::{int_max, int_min};
use crate::schema::*;
use crate::sql::{q, strip_outer_parens};

pub(super) fn cols(c: &[String]) -> String {
    c.iter().map(|c| q(c)).collect::<Vec<_>>().join(", ")
}

pub(super) fn seq_opts(o: &SeqOptions, ty: &str, alter: bool) -> Vec<String> {
    let mut v = vec![];
    let set = if alter { "SET " } else { "" };
    if let Some(i) = o.increment {
        v.push(format!("{set}INCREMENT BY {i}"));
    } else if alter {
        v.push("SET INCREMENT BY 1".into());
    }
    match o.min {
        Some(m) => v.push(format!("{set}MINVALUE {m}")),
        None if alter => v.push("SET NO MINVALUE".into()),
        None => {}
    }
    match o.max {
        Some(m) => v.push(format!("{set}MAXVALUE {m}")),
        None if alter => v.push("SET NO MAXVALUE".into()),
        None => {}
    }
    if let Some(s) = o.start {
        v.push(format!("{set}START WITH {s}"));
    } else if alter {
        let inc = o.increment.unwrap_or(1);
        let s = if inc > 0 {
            o.min.unwrap_or(1)
        } else {
            o.max.unwrap_or(-1)
        };
        v.push(format!("SET START WITH {s}"));
    }
    if let Some(c) = o.cache {
        v.push(format!("{set}CACHE {c}"));
    } else if alter {
        v.push("SET CACHE 1".into());
    }
    if o.cycle {
        v.push(format!("{set}CYCLE"));
    } else if alter {
        v.push("SET NO CYCLE".into());
    }
    let _ = (int_max(ty), int_min(ty));
    v
}

pub(super) fn identity_sql(i: &Identity, ty: &str) -> String {
    let kind = if i.always { "ALWAYS" } else { "BY DEFAULT" };
    let opts = seq_opts(&i.options, ty, false);
    if opts.is_empty() {
        format!("GENERATED {kind} AS IDENTITY")
    } else {
        format!("GENERATED {kind} AS IDENTITY ({})", opts.join(" "))
    }
}

pub(super) fn column_def(c: &Column) -> String {
    let mut s = format!("{} {}", q(&c.name), c.ty);
    if let Some(coll) = &c.collation {
        s.push_str(&format!(" COLLATE {}", coll_name(coll)));
    }
    if let Some(g) = &c.generated {
        s.push_str(&format!(" GENERATED ALWAYS AS ({}) STORED", g.sql));
    }
    if let Some(d) = &c.default {
        s.push_str(&format!(" DEFAULT {}", d.sql));
    }
    if let Some(i) = &c.identity {
        s.push(' ');
        s.push_str(&identity_sql(i, &c.ty));
    }
    if !c.nullable {
        s.push_str(" NOT NULL");
    }
    s
}

/// A collation name, always quoted (the loader keeps names unquoted).
pub(super) fn coll_name(c: &str) -> String {
    // Canonical collations are SQL already (`"C"`, `"app"."ci"`).
    if c.starts_with('"') {
        c.to_string()
    } else {
        q(c)
    }
}

pub(super) fn deferrable(d: Deferrable) -> &'static str {
    match d {
        Deferrable::No => "",
        Deferrable::Immediate => " DEFERRABLE",
        Deferrable::Deferred => " DEFERRABLE INITIALLY DEFERRED",
    }
}

pub(super) fn pk_sql(k: &PrimaryKey) -> String {
    format!(
        "CONSTRAINT {} PRIMARY KEY ({}){}",
        q(&k.name),
        cols(&k.columns),
        deferrable(k.deferrable)
    )
}

pub(super) fn unique_sql(u: &Unique) -> String {
    let nnd = if u.nulls_not_distinct {
        " NULLS NOT DISTINCT"
    } else {
        ""
    };
    format!(
        "CONSTRAINT {} UNIQUE{nnd} ({}){}",
        q(&u.name),
        cols(&u.columns),
        deferrable(u.deferrable)
    )
}

pub(super) fn check_sql(c: &Check) -> String {
    let ni = if c.no_inherit { " NO INHERIT" } else { "" };
    let nv = if c.not_valid { " NOT VALID" } else { "" };
    format!(
        "CONSTRAINT {} CHECK ({}){ni}{nv}",
        q(&c.name),
        strip_outer_parens(&c.expr.sql)
    )
}

pub(super) fn fk_sql(f: &ForeignKey) -> String {
    let mut s = format!(
        "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({})",
        q(&f.name),
        cols(&f.columns),
        qn(&f.ref_table),
        cols(&f.ref_columns)
    );
    if f.match_full {
        s.push_str(" MATCH FULL");
    }
    if f.on_update != FkAction::NoAction {
        s.push_str(&format!(" ON UPDATE {}", f.on_update.sql()));
    }
    if f.on_delete != FkAction::NoAction {
        s.push_str(&format!(" ON DELETE {}", f.on_delete.sql()));
    }
    s.push_str(deferrable(f.deferrable));
    if f.not_valid {
        s.push_str(" NOT VALID");
    }
    s
}

pub(super) fn other_sql(o: &OtherConstraint) -> String {
    format!("CONSTRAINT {} {}", q(&o.name), o.definition.sql)
}

pub(super) fn is_plain_ident(s: &str) -> bool {
    let s = s.trim();
    (s.starts_with('"') && s.ends_with('"') && s.len() > 1 && !s[1..s.len() - 1].contains('"'))
        || (!s.is_empty()
            && s.chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() || c == '_')
            && s.chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '$'))
}

pub(super) fn index_part_sql(p: &IndexPart) -> String {
    let e = p.expr.sql.trim();
    let mut s = if is_plain_ident(e) {
        if e.starts_with('"') {
            e.to_string()
        } else {
            q(e)
        }
    } else if e.starts_with('(') && strip_outer_parens(e) != e {
        e.to_string()
    } else {
        format!("({e})")
    };
    if let Some(c) = &p.collation {
        s.push_str(&format!(" COLLATE {}", coll_name(c)));
    }
    if let Some(o) = &p.opclass {
        s.push_str(&format!(" {o}"));
    }
    if p.desc {
        s.push_str(" DESC");
    }
    match p.nulls_first {
        Some(true) => s.push_str(" NULLS FIRST"),
        Some(false) => s.push_str(" NULLS LAST"),
        None => {}
    }
    s
}

pub fn index_sql(table: &QName, i: &Index) -> String {
    let mut s = format!(
        "CREATE {}INDEX {} ON {}",
        if i.unique { "UNIQUE " } else { "" },
        q(&i.name),
        qn(table)
    );
    if i.method != "btree" {
        s.push_str(&format!(" USING {}", i.method));
    }
    let parts: Vec<String> = i.parts.iter().map(index_part_sql).collect();
    s.push_str(&format!(" ({})", parts.join(", ")));
    if !i.include.is_empty() {
        s.push_str(&format!(" INCLUDE ({})", cols(&i.include)));
    }
    if i.nulls_not_distinct {
        s.push_str(" NULLS NOT DISTINCT");
    }
    if !i.with.is_empty() {
        s.push_str(&format!(" WITH ({})", i.with.join(", ")));
    }
    if let Some(p) = &i.predicate {
        s.push_str(&format!(" WHERE {}", strip_outer_parens(&p.sql)));
    }
    s
}

pub(super) fn index_ref(table: &QName, name: &str) -> String {
    qn(&QName {
        schema: table.schema.clone(),
        name: name.to_string(),
    })
}

pub(super) fn comment(kind: &str, target: &str, c: &Option<String>) -> String {
    match c {
        Some(c) => format!("COMMENT ON {kind} {target} IS {}", lit(c)),
        None => format!("COMMENT ON {kind} {target} IS NULL"),
    }
}

pub(super) fn create_table(t: &Table) -> Vec<String> {
    let mut out = vec![];
    let mut items: Vec<String> = vec![];
    if t.partition_of.is_none() {
        items.extend(t.columns.iter().map(column_def));
    } else {
        items.extend(t.not_null.iter().map(|c| format!("{} NOT NULL", q(c))));
    }
    items.extend(t.primary_key.iter().map(pk_sql));
    items.extend(t.uniques.iter().map(unique_sql));
    // NOT VALID exists only in ALTER TABLE … ADD CONSTRAINT: those come after the CREATE TABLE.
    items.extend(t.checks.iter().filter(|c| !c.not_valid).map(check_sql));
    items.extend(t.others.iter().map(other_sql));
    items.extend(t.foreign_keys.iter().filter(|f| !f.not_valid).map(fk_sql));
    let mut s = format!("CREATE TABLE {}", qn(&t.name));
    if let Some(p) = &t.partition_of {
        s.push_str(&format!(" PARTITION OF {}", qn(&p.parent)));
        if !items.is_empty() {
            s.push_str(&format!(" (\n    {}\n)", items.join(",\n    ")));
        }
        s.push_str(&format!(" {}", p.bound.sql));
    } else if items.is_empty() {
        s.push_str(" ()");
    } else {
        s.push_str(&format!(" (\n    {}\n)", items.join(",\n    ")));
    }
    if !t.inherits.is_empty() {
        let p: Vec<String> = t.inherits.iter().map(qn).collect();
        s.push_str(&format!(" INHERITS ({})", p.join(", ")));
    }
    if let Some(p) = &t.partition_by {
        s.push_str(&format!(" PARTITION BY {}", p.sql));
    }
    out.push(s);
    for c in t.checks.iter().filter(|c| c.not_valid) {
        out.push(alter(&t.name, format!("ADD {}", check_sql(c))));
    }
    for f in t.foreign_keys.iter().filter(|f| f.not_valid) {
        out.push(alter(&t.name, format!("ADD {}", fk_sql(f))));
    }
    for i in &t.indexes {
        out.push(index_sql(&t.name, i));
    }
    if t.comment.is_some() {
        out.push(comment("TABLE", &qn(&t.name), &t.comment));
    }
    for c in &t.columns {
        if c.comment.is_some() {
            out.push(comment(
                "COLUMN",
                &format!("{}.{}", qn(&t.name), q(&c.name)),
                &c.comment,
            ));
        }
    }
    out
}

pub(super) fn alter(t: &QName, rest: String) -> String {
    format!("ALTER TABLE {} {rest}", qn(t))
}

pub(super) fn seq_def(s: &Sequence) -> String {
    let mut v = vec![format!("CREATE SEQUENCE {} AS {}", qn(&s.name), s.ty)];
    v.extend(seq_opts(&s.options, &s.ty, false));
    v.join(" ")
}

pub(super) fn domain_def(d: &Domain) -> String {
    let mut s = format!("CREATE DOMAIN {} AS {}", qn(&d.name), d.ty);
    if let Some(c) = &d.collation {
        s.push_str(&format!(" COLLATE {}", coll_name(c)));
    }
    if let Some(x) = &d.default {
        s.push_str(&format!(" DEFAULT {}", x.sql));
    }
    if !d.nullable {
        s.push_str(" NOT NULL");
    }
    for c in &d.checks {
        s.push_str(&format!(" {}", check_sql(c)));
    }
    s
}
