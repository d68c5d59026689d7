//! MySQL/MariaDB SQL for each op: names in backticks, a column change restating the whole column
//! (`MODIFY` replaces its definition), keys and indexes inline in `CREATE TABLE`.

use super::ident as q;
use super::normalize::literal;
use crate::op::Op;
use crate::schema::*;

pub fn qn(n: &QName) -> String {
    match &n.schema {
        Some(s) => format!("{}.{}", q(s), q(&n.name)),
        None => q(&n.name),
    }
}

fn alter(t: &QName, rest: impl AsRef<str>) -> String {
    format!("ALTER TABLE {} {}", qn(t), rest.as_ref())
}

fn cols(c: &[String]) -> String {
    c.iter().map(|x| q(x)).collect::<Vec<_>>().join(", ")
}

/// A default as MySQL takes it: literals and `CURRENT_TIMESTAMP` bare, other expressions in
/// parentheses (MySQL 8.0.13+ and MariaDB 10.2+).
fn default_sql(e: &Expr) -> String {
    let s = e.sql.trim();
    let lower = s.to_ascii_lowercase();
    let literal = s.starts_with('\'')
        || s.starts_with('(')
        || s.parse::<f64>().is_ok()
        || matches!(lower.as_str(), "null" | "true" | "false")
        || lower.starts_with("b'")
        || lower.starts_with("x'")
        || lower.starts_with("0x")
        || lower.starts_with("current_timestamp")
        || lower.starts_with("now(")
        || lower.starts_with("localtimestamp")
        || s.starts_with('-') && s[1..].trim().parse::<f64>().is_ok();
    if literal {
        s.to_string()
    } else {
        format!("({s})")
    }
}

/// A column's whole definition.
pub fn column_def(c: &Column) -> String {
    let mut s = format!("{} {}", q(&c.name), c.sql_type());
    if let Some(x) = &c.collation {
        s.push_str(&format!(" COLLATE {x}"));
    }
    if let Some(g) = &c.generated {
        s.push_str(&format!(
            " GENERATED ALWAYS AS ({}) {}",
            crate::sql::strip_outer_parens(&g.sql),
            if c.stored { "STORED" } else { "VIRTUAL" }
        ));
    } else {
        s.push_str(if c.nullable { " NULL" } else { " NOT NULL" });
        if let Some(d) = &c.default {
            s.push_str(&format!(" DEFAULT {}", default_sql(d)));
        }
        if let Some(u) = &c.on_update {
            s.push_str(&format!(" ON UPDATE {}", u.sql));
        }
        if c.auto_increment {
            s.push_str(" AUTO_INCREMENT");
        }
    }
    if c.invisible {
        s.push_str(" INVISIBLE");
    }
    if let Some(cm) = &c.comment {
        s.push_str(&format!(" COMMENT {}", literal(cm)));
    }
    s
}

fn pk_sql(p: &PrimaryKey) -> String {
    format!("PRIMARY KEY ({})", cols(&p.columns))
}

fn unique_sql(u: &Unique) -> String {
    format!("CONSTRAINT {} UNIQUE ({})", q(&u.name), cols(&u.columns))
}

fn check_sql(c: &Check) -> String {
    format!(
        "CONSTRAINT {} CHECK ({})",
        q(&c.name),
        crate::sql::strip_outer_parens(&c.expr.sql)
    )
}

fn fk_sql(f: &ForeignKey) -> String {
    let mut s = format!(
        "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({})",
        q(&f.name),
        cols(&f.columns),
        qn(&f.ref_table),
        cols(&f.ref_columns)
    );
    // RESTRICT is what MySQL takes when none is named; NO ACTION is written (its catalog tells them apart).
    if f.on_delete != FkAction::Restrict {
        s.push_str(&format!(" ON DELETE {}", f.on_delete.sql()));
    }
    if f.on_update != FkAction::Restrict {
        s.push_str(&format!(" ON UPDATE {}", f.on_update.sql()));
    }
    s
}

fn parts(i: &Index) -> String {
    i.parts
        .iter()
        .map(|p| {
            let mut s = p.expr.sql.clone();
            // An expression key part goes in parentheses (MySQL 8.0.13+).
            let bare = s.starts_with('`') && s.ends_with('`');
            if !bare && !s.chars().all(|c| c.is_alphanumeric() || c == '_') {
                s = format!("({s})");
            }
            if let Some(n) = p.prefix {
                s.push_str(&format!("({n})"));
            }
            if p.desc {
                s.push_str(" DESC");
            }
            s
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `UNIQUE `, `FULLTEXT `, `SPATIAL ` or nothing, before INDEX/KEY.
fn index_kind(i: &Index) -> &'static str {
    match i.method.as_str() {
        "fulltext" => "FULLTEXT ",
        "spatial" => "SPATIAL ",
        _ if i.unique => "UNIQUE ",
        _ => "",
    }
}

/// What follows the key parts: `USING HASH`, `WITH PARSER …`, `COMMENT '…'` and the visibility in
/// both servers' words (MySQL 8 runs `/*!80000 …*/` and skips `/*M!…*/`; MariaDB the other way).
fn using(i: &Index) -> String {
    let mut s = String::new();
    if i.method == "hash" {
        s.push_str(" USING HASH");
    }
    if let Some(p) = &i.parser {
        s.push_str(&format!(" WITH PARSER {}", q(p)));
    }
    if let Some(c) = &i.comment {
        s.push_str(&format!(" COMMENT {}", literal(c)));
    }
    if i.invisible {
        s.push_str(&format!(" {INVISIBLE}"));
    }
    s
}

/// An index hidden from the optimizer: MySQL 8's `INVISIBLE`, MariaDB 10.6's `IGNORED`.
pub const INVISIBLE: &str = "/*!80000 INVISIBLE */ /*M!100600 IGNORED */";
/// The way back.
pub const VISIBLE: &str = "/*!80000 VISIBLE */ /*M!100600 NOT IGNORED */";

fn index_inline(i: &Index) -> String {
    format!(
        "{}KEY {} ({}){}",
        index_kind(i),
        q(&i.name),
        parts(i),
        using(i)
    )
}

/// `ENGINE=…`, `DEFAULT CHARSET=…`, `COLLATE=…`, `ROW_FORMAT=…` from the table's options.
fn table_options(t: &Table) -> Vec<String> {
    t.options
        .iter()
        .filter_map(|o| {
            let (k, v) = o.split_once('=')?;
            Some(match k {
                "engine" => format!("ENGINE={v}"),
                "charset" => format!("DEFAULT CHARSET={v}"),
                "collate" => format!(
                    "DEFAULT CHARSET={} COLLATE={v}",
                    v.split('_').next().unwrap_or(v)
                ),
                "row_format" => format!("ROW_FORMAT={}", v.to_ascii_uppercase()),
                _ => return None,
            })
        })
        .collect()
}

pub fn create_table(t: &Table) -> String {
    let mut items: Vec<String> = t.columns.iter().map(column_def).collect();
    items.extend(t.primary_key.iter().map(pk_sql));
    items.extend(t.uniques.iter().map(unique_sql));
    items.extend(t.indexes.iter().map(index_inline));
    items.extend(t.foreign_keys.iter().map(fk_sql));
    items.extend(t.checks.iter().map(check_sql));
    let mut s = format!(
        "CREATE TABLE {} (\n    {}\n)",
        qn(&t.name),
        items.join(",\n    ")
    );
    for o in table_options(t) {
        s.push(' ');
        s.push_str(&o);
    }
    if let Some(c) = &t.comment {
        s.push_str(&format!(" COMMENT={}", literal(c)));
    }
    if let Some(p) = &t.partition_by {
        s.push_str(&format!("\nPARTITION BY {}", p.sql));
    }
    s
}

/// Table options going from `from` to `to`: options dropped are set back to the server's default.
fn alter_options(from: &Table, to: &Table) -> Vec<String> {
    let mut set = vec![];
    let has = |t: &Table, k: &str| t.options.iter().any(|o| o.starts_with(k));
    if has(from, "engine=") && !has(to, "engine=") {
        set.push("ENGINE=InnoDB".to_string());
    }
    if has(from, "row_format=") && !has(to, "row_format=") {
        set.push("ROW_FORMAT=DEFAULT".to_string());
    }
    let charset = |t: &Table| {
        t.options
            .iter()
            .find(|o| o.starts_with("charset=") || o.starts_with("collate="))
            .cloned()
    };
    if charset(from).is_some() && charset(to).is_none() {
        // Back to the database's defaults.
        set.push("DEFAULT CHARACTER SET = DEFAULT".to_string());
    }
    let old = table_options(from);
    set.extend(table_options(to).into_iter().filter(|o| !old.contains(o)));
    if set.is_empty() {
        return vec![];
    }
    vec![alter(&to.name, set.join(", "))]
}

pub fn render(op: &Op) -> Vec<String> {
    use Op::*;
    match op {
        CreateTable(t) => vec![create_table(t)],
        DropTable(t) => vec![format!("DROP TABLE {}", qn(&t.name))],
        RenameTable { from, to } => vec![format!("RENAME TABLE {} TO {}", qn(from), qn(to))],
        SetTableComment { table, to, .. } => vec![alter(
            table,
            format!("COMMENT = {}", literal(to.as_deref().unwrap_or(""))),
        )],
        AddColumn { table, column } => {
            vec![alter(table, format!("ADD COLUMN {}", column_def(column)))]
        }
        DropColumn { table, column } => {
            vec![alter(table, format!("DROP COLUMN {}", q(&column.name)))]
        }
        RenameColumn { table, from, to } => {
            vec![alter(
                table,
                format!("RENAME COLUMN {} TO {}", q(from), q(to)),
            )]
        }
        AlterColumn { table, from, to } => {
            let only_default = Column {
                default: from.default.clone(),
                ..to.clone()
            } == *from;
            if only_default && to.generated.is_none() {
                vec![alter(
                    table,
                    match &to.default {
                        Some(d) => format!(
                            "ALTER COLUMN {} SET DEFAULT {}",
                            q(&to.name),
                            default_sql(d)
                        ),
                        None => format!("ALTER COLUMN {} DROP DEFAULT", q(&to.name)),
                    },
                )]
            } else {
                vec![alter(table, format!("MODIFY COLUMN {}", column_def(to)))]
            }
        }
        AddPrimaryKey { table, key } => vec![alter(table, format!("ADD {}", pk_sql(key)))],
        DropPrimaryKey { table, .. } => vec![alter(table, "DROP PRIMARY KEY")],
        AddUnique { table, unique } => vec![alter(table, format!("ADD {}", unique_sql(unique)))],
        DropUnique { table, unique } => {
            vec![alter(table, format!("DROP INDEX {}", q(&unique.name)))]
        }
        AddCheck { table, check } => vec![alter(table, format!("ADD {}", check_sql(check)))],
        DropCheck { table, check } => {
            vec![alter(table, format!("DROP CONSTRAINT {}", q(&check.name)))]
        }
        AddForeignKey { table, fk } => vec![alter(table, format!("ADD {}", fk_sql(fk)))],
        DropForeignKey { table, fk } => {
            vec![alter(table, format!("DROP FOREIGN KEY {}", q(&fk.name)))]
        }
        CreateIndex { table, index } => vec![format!(
            "CREATE {}INDEX {} ON {} ({}){}",
            index_kind(index),
            q(&index.name),
            qn(table),
            parts(index),
            using(index)
        )],
        AlterIndex { table, from, to } if from.only_visibility_differs(to) => vec![alter(
            table,
            format!(
                "ALTER INDEX {} {}",
                q(&to.name),
                if to.invisible { INVISIBLE } else { VISIBLE }
            ),
        )],
        AlterIndex { table, from, to } => vec![alter(
            table,
            format!("DROP INDEX {}, ADD {}", q(&from.name), index_inline(to)),
        )],
        DropIndex { table, index } => {
            vec![format!("DROP INDEX {} ON {}", q(&index.name), qn(table))]
        }
        RenameIndex { table, from, to } => {
            vec![alter(
                table,
                format!("RENAME INDEX {} TO {}", q(from), q(to)),
            )]
        }
        // Table options or partitioning changed: altered in place (the rows stay).
        RebuildTable { from, to } => {
            let mut v = alter_options(from, to);
            if from.partition_by != to.partition_by {
                v.push(match &to.partition_by {
                    Some(p) => alter(&to.name, format!("PARTITION BY {}", p.sql)),
                    None => alter(&to.name, "REMOVE PARTITIONING"),
                });
            }
            v
        }
        _ => vec![],
    }
}

/// Consecutive `ALTER TABLE` statements on one table joined into one, for the clauses MySQL applies
/// together against the table as it was: columns added, dropped, modified or re-defaulted, checks,
/// unique keys, primary keys, indexes dropped, comments and options. A rename (later clauses would
/// need the new name) and a foreign key added (MySQL refuses to drop and add one name in one
/// statement) stay statements of their own.
pub fn combine(stmts: Vec<String>) -> Vec<String> {
    const JOINABLE: &[&str] = &[
        "ADD COLUMN ",
        "DROP COLUMN ",
        "MODIFY COLUMN ",
        "ALTER COLUMN ",
        "DROP CONSTRAINT ",
        "DROP FOREIGN KEY ",
        "DROP INDEX ",
        "DROP PRIMARY KEY",
        "ADD PRIMARY KEY ",
        "COMMENT = ",
    ];
    let split = |s: &str| -> Option<(String, String)> {
        let rest = s.strip_prefix("ALTER TABLE ")?;
        // The table name: backquoted, possibly qualified.
        let mut end = 0;
        let b = rest.as_bytes();
        loop {
            if b.get(end) != Some(&b'`') {
                return None;
            }
            end += 1;
            while end < b.len() && !(b[end] == b'`' && b.get(end + 1) != Some(&b'`')) {
                end += if b[end] == b'`' { 2 } else { 1 };
            }
            end += 1;
            if b.get(end) == Some(&b'.') {
                end += 1;
                continue;
            }
            break;
        }
        let (table, clause) = (
            rest[..end].to_string(),
            rest[end..].trim_start().to_string(),
        );
        let add_key = clause.starts_with("ADD CONSTRAINT ") && !clause.contains(" FOREIGN KEY (");
        (JOINABLE.iter().any(|j| clause.starts_with(j)) || add_key).then_some((table, clause))
    };
    let mut out: Vec<String> = vec![];
    let mut open: Option<(String, Vec<String>)> = None;
    let flush = |open: &mut Option<(String, Vec<String>)>, out: &mut Vec<String>| {
        if let Some((t, clauses)) = open.take() {
            out.push(format!("ALTER TABLE {t} {}", clauses.join(", ")));
        }
    };
    for s in stmts {
        match split(&s) {
            Some((t, c)) => match &mut open {
                Some((ot, clauses)) if *ot == t => clauses.push(c),
                _ => {
                    flush(&mut open, &mut out);
                    open = Some((t, vec![c]));
                }
            },
            None => {
                flush(&mut open, &mut out);
                out.push(s);
            }
        }
    }
    flush(&mut open, &mut out);
    out
}
