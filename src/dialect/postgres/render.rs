//! PostgreSQL SQL for each op. Downgrades are rendered from `op.inverse()` by this same code.

use super::ddl::*;
use crate::op::{EnumUsage, Op};
use crate::schema::*;
pub use crate::sql::{q, strip_outer_parens};

/// A string literal that reads the same whatever `standard_conforming_strings` says: text with a
/// backslash is written as an escape string (`E'a\\b'`), which every setting reads alike.
pub fn lit(s: &str) -> String {
    if s.contains('\\') {
        format!("E'{}'", s.replace('\\', "\\\\").replace('\'', "''"))
    } else {
        format!("'{}'", s.replace('\'', "''"))
    }
}

pub fn qn(n: &QName) -> String {
    match &n.schema {
        Some(s) => format!("{}.{}", q(s), q(&n.name)),
        None => q(&n.name),
    }
}

fn alter_column(t: &QName, from: &Column, to: &Column) -> Vec<String> {
    let c = q(&to.name);
    let mut out = vec![];
    if from.generated.is_some() && to.generated.is_none() {
        // The column keeps the values it has.
        out.push(alter(t, format!("ALTER COLUMN {c} DROP EXPRESSION")));
        let from = Column {
            generated: None,
            stored: false,
            ..from.clone()
        };
        out.extend(alter_column(t, &from, to));
        return out;
    }
    if to.generated.is_some() && from.generated != to.generated {
        // The way back (a downgrade): PostgreSQL cannot make a column generated in place.
        out.push(alter(t, format!("DROP COLUMN {c}")));
        out.push(alter(t, format!("ADD COLUMN {}", column_def(to))));
        return out;
    }
    let retype = from.ty != to.ty || from.collation != to.collation;
    let redefault = from.default != to.default || (retype && from.default.is_some());
    if redefault && from.default.is_some() {
        out.push(alter(t, format!("ALTER COLUMN {c} DROP DEFAULT")));
    }
    if from.identity.is_some() && to.identity.is_none() {
        out.push(alter(t, format!("ALTER COLUMN {c} DROP IDENTITY")));
    }
    if retype {
        let coll = to
            .collation
            .as_ref()
            .map(|x| format!(" COLLATE {}", coll_name(x)))
            .unwrap_or_default();
        // No USING where an assignment cast exists: it fails on a value that does not fit, where an
        // explicit cast would truncate `varchar` and round silently.
        // The models' `using` converts going up; their `downgrade_using` coming back down (the
        // downgrade renders the inverse op, whose `from` is the models' column).
        let given = to.using.as_ref().or(from.downgrade_using.as_ref());
        let using = match (given, super::casts::using(&c, &from.ty, &to.ty)) {
            (Some(u), _) if from.ty != to.ty => format!(" USING {}", u.sql),
            (None, Some(u)) if from.ty != to.ty => format!(" USING {u}"),
            _ => String::new(),
        };
        out.push(alter(
            t,
            format!("ALTER COLUMN {c} TYPE {}{coll}{using}", to.ty),
        ));
    }
    if from.nullable != to.nullable {
        let what = if to.nullable {
            "DROP NOT NULL"
        } else {
            "SET NOT NULL"
        };
        out.push(alter(t, format!("ALTER COLUMN {c} {what}")));
    }
    if redefault {
        if let Some(d) = &to.default {
            out.push(alter(t, format!("ALTER COLUMN {c} SET DEFAULT {}", d.sql)));
        }
    }
    match (&from.identity, &to.identity) {
        (None, Some(i)) => {
            out.push(alter(
                t,
                format!("ALTER COLUMN {c} ADD {}", identity_sql(i, &to.ty)),
            ));
            // The new identity continues after the rows there are (and after the serial sequence it
            // replaces), instead of starting at 1 on a duplicate key.
            if i.options.start.is_none() && i.options.increment.unwrap_or(1) > 0 {
                let mut floor = format!("(SELECT coalesce(max({c}), 0) + 1 FROM {})", qn(t));
                if let Some(seq) = from.default.as_ref().and_then(|d| nextval_sequence(&d.sql)) {
                    floor = format!(
                        "{floor}, (SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM {seq})"
                    );
                }
                out.push(format!(
                    "SELECT setval(pg_get_serial_sequence({}, {}), GREATEST({floor}), false)",
                    lit(&qn(t)),
                    lit(&to.name)
                ));
            }
        }
        (Some(a), Some(b)) if a != b || from.ty != to.ty => {
            let seq = format!("pg_get_serial_sequence({}, {})", lit(&qn(t)), lit(&to.name));
            out.extend(into_new_range(&seq, &a.options, &b.options));
            let kind = if b.always { "ALWAYS" } else { "BY DEFAULT" };
            let opts = seq_opts(&b.options, &to.ty, true).join(" ");
            out.push(alter(
                t,
                format!("ALTER COLUMN {c} SET GENERATED {kind} {opts}"),
            ));
        }
        _ => {}
    }
    // An identity replaced by a sequence's default: the sequence continues after the rows there are.
    if from.identity.is_some() && to.identity.is_none() {
        if let Some(seq) = to.default.as_ref().and_then(|d| nextval_sequence(&d.sql)) {
            out.push(format!(
                "SELECT setval({}, (SELECT coalesce(max({c}), 0) + 1 FROM {}), false)",
                lit(&seq),
                qn(t)
            ));
        }
    }
    if from.comment != to.comment {
        out.push(comment("COLUMN", &format!("{}.{}", qn(t), c), &to.comment));
    }
    out
}

/// The sequence a `nextval('seq'::regclass)` default draws from, as SQL names it (`"seq"`).
/// Before a sequence's range narrows (`MINVALUE` raised on an ascending one, `MAXVALUE` lowered on a
/// descending one), its position is moved to the new bound where it lies outside, so the `ALTER`
/// is accepted and the next value is the first one allowed; a position already inside is kept.
/// `seq` is an SQL expression for the sequence's name.
fn into_new_range(seq: &str, from: &SeqOptions, to: &SeqOptions) -> Vec<String> {
    let ascending = to.increment.unwrap_or(1) > 0;
    let (bound, op) = if ascending {
        match (from.min, to.min) {
            (a, Some(b)) if a.unwrap_or(1) < b => (b, "<"),
            _ => return vec![],
        }
    } else {
        match (from.max, to.max) {
            (a, Some(b)) if a.unwrap_or(-1) > b => (b, ">"),
            _ => return vec![],
        }
    };
    vec![format!(
        "SELECT setval(format('%I.%I', schemaname, sequencename), {bound}, false) FROM pg_sequences \
         WHERE format('%I.%I', schemaname, sequencename)::regclass = {seq}::regclass \
         AND coalesce(last_value, start_value) {op} {bound}"
    )]
}

fn nextval_sequence(default: &str) -> Option<String> {
    let d = default.trim();
    let rest = d.strip_prefix("nextval(")?.strip_suffix(')')?;
    let lit = rest
        .trim()
        .strip_suffix("::regclass")
        .unwrap_or(rest.trim());
    let name = lit.strip_prefix('\'')?.strip_suffix('\'')?;
    // Written into SQL as a name: only a plain or quoted, possibly qualified, identifier will do.
    let plain = name
        .chars()
        .all(|ch| ch.is_alphanumeric() || matches!(ch, '_' | '.' | '$' | '"'));
    (plain && name.matches('"').count() % 2 == 0 && !name.is_empty()).then(|| name.to_string())
}

fn alter_enum(
    name: &QName,
    from: &[String],
    to: &[String],
    usages: &[EnumUsage],
    swap: bool,
) -> Vec<String> {
    if !swap && crate::sql::enum_values_appended(from, to) {
        let mut out = vec![];
        for (i, v) in to.iter().enumerate() {
            if from.contains(v) {
                continue;
            }
            // Place relative to the next value that already exists, else after the previous one.
            let next = to[i + 1..].iter().find(|x| from.contains(x));
            let pos = match next {
                Some(n) => format!(" BEFORE {}", lit(n)),
                None => match i.checked_sub(1).map(|p| &to[p]) {
                    Some(p) => format!(" AFTER {}", lit(p)),
                    None => String::new(),
                },
            };
            out.push(format!("ALTER TYPE {} ADD VALUE {}{pos}", qn(name), lit(v)));
        }
        return out;
    }
    // Removal or reorder: swap in a new type.
    let old = QName {
        schema: name.schema.clone(),
        name: format!("{}__autogen_old", name.name),
    };
    let mut out = vec![
        format!("ALTER TYPE {} RENAME TO {}", qn(name), q(&old.name)),
        format!(
            "CREATE TYPE {} AS ENUM ({})",
            qn(name),
            to.iter().map(|v| lit(v)).collect::<Vec<_>>().join(", ")
        ),
    ];
    // Foreign keys between converted columns would compare the two types: off during the swap.
    let mut fks: Vec<&(QName, ForeignKey)> = usages.iter().flat_map(|u| &u.foreign_keys).collect();
    fks.sort_by(|a, b| (&a.0, &a.1.name).cmp(&(&b.0, &b.1.name)));
    fks.dedup_by(|a, b| a.0 == b.0 && a.1.name == b.1.name);
    for (t, fk) in &fks {
        out.push(alter(t, format!("DROP CONSTRAINT {}", q(&fk.name))));
    }
    for u in usages {
        for i in &u.indexes {
            out.push(format!("DROP INDEX {}", index_ref(&u.table, &i.name)));
        }
        for k in &u.checks {
            out.push(alter(&u.table, format!("DROP CONSTRAINT {}", q(&k.name))));
        }
    }
    for u in usages {
        let c = q(&u.column);
        let arr = if u.array { "[]" } else { "" };
        // A column the plan drops is back, with its default, when the downgrade swaps: drop either.
        if u.default_before.is_some() || u.default_after.is_some() {
            out.push(alter(&u.table, format!("ALTER COLUMN {c} DROP DEFAULT")));
        }
        out.push(alter(
            &u.table,
            format!(
                "ALTER COLUMN {c} TYPE {}{arr} USING {c}::text{arr}::{}{arr}",
                qn(name),
                qn(name)
            ),
        ));
        if let Some(d) = &u.default_after {
            out.push(alter(
                &u.table,
                format!("ALTER COLUMN {c} SET DEFAULT {}", d.sql),
            ));
        }
    }
    for u in usages {
        for k in &u.checks {
            out.push(alter(&u.table, format!("ADD {}", check_sql(k))));
        }
        for i in &u.indexes {
            out.push(index_sql(&u.table, i));
        }
    }
    for (t, fk) in &fks {
        out.push(alter(t, format!("ADD {}", fk_sql(fk))));
    }
    out.push(format!("DROP TYPE {}", qn(&old)));
    out
}

fn alter_domain(from: &Domain, to: &Domain) -> Vec<String> {
    let n = qn(&to.name);
    if from.ty != to.ty || from.collation != to.collation {
        return vec![format!("DROP DOMAIN {}", qn(&from.name)), domain_def(to)];
    }
    let mut out = vec![];
    if from.default != to.default {
        out.push(match &to.default {
            Some(d) => format!("ALTER DOMAIN {n} SET DEFAULT {}", d.sql),
            None => format!("ALTER DOMAIN {n} DROP DEFAULT"),
        });
    }
    if from.nullable != to.nullable {
        out.push(format!(
            "ALTER DOMAIN {n} {} NOT NULL",
            if to.nullable { "DROP" } else { "SET" }
        ));
    }
    for c in &from.checks {
        if !to.checks.contains(c) {
            out.push(format!("ALTER DOMAIN {n} DROP CONSTRAINT {}", q(&c.name)));
        }
    }
    for c in &to.checks {
        if !from.checks.contains(c) {
            out.push(format!("ALTER DOMAIN {n} ADD {}", check_sql(c)));
        }
    }
    if from.comment != to.comment {
        out.push(comment("DOMAIN", &n, &to.comment));
    }
    out
}

pub fn render(op: &Op) -> Vec<String> {
    use Op::*;
    if let Some(v) = super::render_objects::render(op) {
        return v;
    }
    match op {
        CreateNamespace(n) => vec![format!("CREATE SCHEMA {}", q(n))],
        CreateCollation(c) => {
            let mut o = vec![format!("provider = {}", c.provider)];
            if let Some(l) = &c.locale {
                o.push(format!("locale = {}", lit(l)));
            }
            if let Some(l) = &c.lc_collate {
                o.push(format!("lc_collate = {}", lit(l)));
            }
            if let Some(l) = &c.lc_ctype {
                o.push(format!("lc_ctype = {}", lit(l)));
            }
            if !c.deterministic {
                o.push("deterministic = false".into());
            }
            vec![format!(
                "CREATE COLLATION {} ({})",
                qn(&c.name),
                o.join(", ")
            )]
        }
        DropCollation(c) => vec![format!("DROP COLLATION {}", qn(&c.name))],
        CreateTsDictionary(d) => super::textsearch::create_dictionary(d),
        DropTsDictionary(d) => super::textsearch::drop_dictionary(d),
        AlterTsDictionary { from, to } => super::textsearch::alter_dictionary(from, to),
        CreateTsConfiguration(c) => super::textsearch::create_configuration(c),
        DropTsConfiguration(c) => super::textsearch::drop_configuration(c),
        AlterTsConfiguration { from, to } => super::textsearch::alter_configuration(from, to),
        AttachPartition {
            table,
            parent,
            bound,
        } => vec![format!(
            "ALTER TABLE {} ATTACH PARTITION {} {}",
            qn(parent),
            qn(table),
            bound.sql
        )],
        Inherit { table, parent } => {
            vec![format!("ALTER TABLE {} INHERIT {}", qn(table), qn(parent))]
        }
        NoInherit { table, parent } => {
            vec![format!(
                "ALTER TABLE {} NO INHERIT {}",
                qn(table),
                qn(parent)
            )]
        }
        DetachPartition { table, parent, .. } => vec![format!(
            "ALTER TABLE {} DETACH PARTITION {}",
            qn(parent),
            qn(table)
        )],
        DropNamespace(n) => vec![format!("DROP SCHEMA {}", q(n))],
        CreateExtension(e) => vec![match &e.schema {
            Some(s) => format!(
                "CREATE EXTENSION IF NOT EXISTS {} WITH SCHEMA {}",
                q(&e.name),
                q(s)
            ),
            None => format!("CREATE EXTENSION IF NOT EXISTS {}", q(&e.name)),
        }],
        DropExtension(e) => vec![format!("DROP EXTENSION {}", q(&e.name))],
        CreateEnum(e) => {
            let vals: Vec<String> = e.values.iter().map(|v| lit(v)).collect();
            let mut v = vec![format!(
                "CREATE TYPE {} AS ENUM ({})",
                qn(&e.name),
                vals.join(", ")
            )];
            if e.comment.is_some() {
                v.push(comment("TYPE", &qn(&e.name), &e.comment));
            }
            v
        }
        DropEnum(e) => vec![format!("DROP TYPE {}", qn(&e.name))],
        AlterEnum {
            name,
            from,
            to,
            usages,
            swap,
        } => alter_enum(name, from, to, usages, *swap),
        CreateFunction(f) | ReplaceFunction { to: f, .. } => {
            let mut v = vec![];
            if let ReplaceFunction { from, to } = op {
                if super::routine::needs_drop(from, to) {
                    v.push(super::routine::drop_sql(from));
                }
            }
            if f.sql.sql.to_ascii_lowercase().contains("language sql") {
                // SQL function bodies may name tables created later in the revision.
                v.push("SET check_function_bodies = false".to_string());
            }
            let body = f.sql.sql.trim().trim_end_matches(';').trim_end();
            let body = match body.get(..7) {
                Some(p)
                    if p.eq_ignore_ascii_case("create ")
                        && !body[7..]
                            .trim_start()
                            .to_ascii_lowercase()
                            .starts_with("or replace") =>
                {
                    format!("CREATE OR REPLACE {}", body[7..].trim_start())
                }
                _ => body.to_string(),
            };
            v.push(body);
            v
        }
        DropFunction(f) => vec![super::routine::drop_sql(f)],
        CreateDomain(d) => {
            let mut v = vec![domain_def(d)];
            if d.comment.is_some() {
                v.push(comment("DOMAIN", &qn(&d.name), &d.comment));
            }
            v
        }
        DropDomain(d) => vec![format!("DROP DOMAIN {}", qn(&d.name))],
        AlterDomain { from, to } => alter_domain(from, to),
        CreateSequence(s) => {
            let mut v = vec![seq_def(s)];
            if s.comment.is_some() {
                v.push(comment("SEQUENCE", &qn(&s.name), &s.comment));
            }
            v
        }
        DropSequence(s) => vec![format!("DROP SEQUENCE {}", qn(&s.name))],
        AlterSequence { from, to } => {
            let mut v = vec![];
            if from.ty != to.ty || from.options != to.options {
                v.extend(into_new_range(
                    &lit(&qn(&from.name)),
                    &from.options,
                    &to.options,
                ));
                let mut parts = vec![format!("ALTER SEQUENCE {} AS {}", qn(&to.name), to.ty)];
                parts.extend(
                    seq_opts(&to.options, &to.ty, true)
                        .into_iter()
                        .map(|o| o.strip_prefix("SET ").map(str::to_string).unwrap_or(o)),
                );
                v.push(parts.join(" "));
            }
            if from.comment != to.comment {
                v.push(comment("SEQUENCE", &qn(&to.name), &to.comment));
            }
            v
        }
        SetSequenceOwner { seq, to, .. } => vec![match to {
            Some((t, c)) => format!("ALTER SEQUENCE {} OWNED BY {}.{}", qn(seq), qn(t), q(c)),
            None => format!("ALTER SEQUENCE {} OWNED BY NONE", qn(seq)),
        }],
        RenameSequence { from, to } => vec![format!(
            "ALTER SEQUENCE {} RENAME TO {}",
            qn(from),
            q(&to.name)
        )],
        CreateTable(t) => {
            let mut v = create_table(t);
            v.extend(super::render_objects::row_security(
                &t.name,
                RowSecurity::Off,
                t.row_security,
            ));
            v
        }
        DropTable(t) => vec![format!("DROP TABLE {}", qn(&t.name))],
        RenameTable { from, to } => vec![alter(from, format!("RENAME TO {}", q(&to.name)))],
        SetTableComment { table, to, .. } => vec![comment("TABLE", &qn(table), to)],
        AddColumn { table, column } => {
            let mut v = vec![alter(table, format!("ADD COLUMN {}", column_def(column)))];
            if column.comment.is_some() {
                v.push(comment(
                    "COLUMN",
                    &format!("{}.{}", qn(table), q(&column.name)),
                    &column.comment,
                ));
            }
            v
        }
        DropColumn { table, column } => {
            vec![alter(table, format!("DROP COLUMN {}", q(&column.name)))]
        }
        RenameColumn { table, from, to } => vec![alter(
            table,
            format!("RENAME COLUMN {} TO {}", q(from), q(to)),
        )],
        AlterColumn { table, from, to } => alter_column(table, from, to),
        AddPrimaryKey { table, key } => vec![alter(table, format!("ADD {}", pk_sql(key)))],
        DropPrimaryKey { table, key } => {
            vec![alter(table, format!("DROP CONSTRAINT {}", q(&key.name)))]
        }
        AddUnique { table, unique } => vec![alter(table, format!("ADD {}", unique_sql(unique)))],
        DropUnique { table, unique } => {
            vec![alter(table, format!("DROP CONSTRAINT {}", q(&unique.name)))]
        }
        AddCheck { table, check } => vec![alter(table, format!("ADD {}", check_sql(check)))],
        DropCheck { table, check } => {
            vec![alter(table, format!("DROP CONSTRAINT {}", q(&check.name)))]
        }
        AddOther { table, constraint } => {
            vec![alter(table, format!("ADD {}", other_sql(constraint)))]
        }
        DropOther { table, constraint } => vec![alter(
            table,
            format!("DROP CONSTRAINT {}", q(&constraint.name)),
        )],
        AddForeignKey { table, fk } => vec![alter(table, format!("ADD {}", fk_sql(fk)))],
        DropForeignKey { table, fk } => {
            vec![alter(table, format!("DROP CONSTRAINT {}", q(&fk.name)))]
        }
        RenameConstraint { table, from, to } => {
            vec![alter(
                table,
                format!("RENAME CONSTRAINT {} TO {}", q(from), q(to)),
            )]
        }
        CreateIndex { table, index } => vec![index_sql(table, index)],
        DropIndex { table, index } => vec![format!("DROP INDEX {}", index_ref(table, &index.name))],
        RenameIndex { table, from, to } => vec![format!(
            "ALTER INDEX {} RENAME TO {}",
            index_ref(table, from),
            q(to)
        )],
        RebuildTable { .. } => vec![],
        _ => vec![],
    }
}
