//! SQLite SQL for each op; changes ALTER TABLE cannot make arrive here as `RebuildTable`.

use crate::op::Op;
use crate::schema::*;
use crate::sql::quote_literal;
use crate::sql::{q, strip_outer_parens};

fn qn(n: &QName) -> String {
    match &n.schema {
        Some(s) => format!("{}.{}", q(s), q(&n.name)),
        None => q(&n.name),
    }
}

fn cols(c: &[String]) -> String {
    c.iter().map(|c| q(c)).collect::<Vec<_>>().join(", ")
}

/// Whether a default needs parentheses in SQLite (anything but a literal or CURRENT_*).
pub fn default_sql(e: &str) -> String {
    let t = e.trim();
    let upper = t.to_ascii_uppercase();
    let literal = t.starts_with('\'')
        || t.parse::<f64>().is_ok()
        || matches!(
            upper.as_str(),
            "NULL" | "TRUE" | "FALSE" | "CURRENT_TIMESTAMP" | "CURRENT_DATE" | "CURRENT_TIME"
        )
        || (t.starts_with('(') && strip_outer_parens(t) != t)
        // A double-quoted default is SQLite's legacy string literal: parentheses would make it a name.
        || (t.len() > 1 && t.starts_with('"') && t.ends_with('"') && !t[1..t.len() - 1].contains('"'))
        || (t.starts_with('-') && t[1..].parse::<f64>().is_ok());
    if literal {
        t.to_string()
    } else {
        format!("({t})")
    }
}

fn column_def(t: &Table, c: &Column) -> String {
    let mut s = q(&c.name);
    if !c.sql_type().is_empty() {
        s.push(' ');
        s.push_str(c.sql_type());
    }
    let inline_pk = t
        .primary_key
        .as_ref()
        .is_some_and(|p| p.columns.len() == 1 && p.columns[0] == c.name);
    if inline_pk {
        s.push_str(" PRIMARY KEY");
        if t.options.iter().any(|o| o == "autoincrement") {
            s.push_str(" AUTOINCREMENT");
        }
    }
    if !c.sql_nullable() {
        s.push_str(" NOT NULL");
    }
    if let Some(d) = &c.default {
        s.push_str(&format!(" DEFAULT {}", default_sql(&d.sql)));
    }
    if let Some(coll) = &c.collation {
        s.push_str(&format!(" COLLATE {}", q(coll)));
    }
    if let Some(g) = &c.generated {
        s.push_str(&format!(
            " GENERATED ALWAYS AS ({}) {}",
            strip_outer_parens(&g.sql),
            if c.stored { "STORED" } else { "VIRTUAL" }
        ));
    }
    s
}

fn fk_sql(f: &ForeignKey) -> String {
    let mut s = format!(
        "FOREIGN KEY ({}) REFERENCES {} ({})",
        cols(&f.columns),
        qn(&f.ref_table),
        cols(&f.ref_columns)
    );
    if f.on_update != FkAction::NoAction {
        s.push_str(&format!(" ON UPDATE {}", f.on_update.sql()));
    }
    if f.on_delete != FkAction::NoAction {
        s.push_str(&format!(" ON DELETE {}", f.on_delete.sql()));
    }
    match f.deferrable {
        Deferrable::No => {}
        Deferrable::Immediate => s.push_str(" DEFERRABLE INITIALLY IMMEDIATE"),
        Deferrable::Deferred => s.push_str(" DEFERRABLE INITIALLY DEFERRED"),
    }
    s
}

fn table_body(t: &Table) -> String {
    let mut items: Vec<String> = t.columns.iter().map(|c| column_def(t, c)).collect();
    if let Some(p) = &t.primary_key {
        if p.columns.len() > 1 {
            items.push(format!("PRIMARY KEY ({})", cols(&p.columns)));
        }
    }
    items.extend(
        t.uniques
            .iter()
            .map(|u| format!("UNIQUE ({})", cols(&u.columns))),
    );
    items.extend(
        t.checks
            .iter()
            .map(|c| format!("CHECK ({})", strip_outer_parens(&c.expr.sql))),
    );
    items.extend(t.foreign_keys.iter().map(fk_sql));
    let mut s = format!("(\n    {}\n)", items.join(",\n    "));
    let opts: Vec<String> = t
        .options
        .iter()
        .filter(|o| *o != "autoincrement")
        .map(|o| o.to_ascii_uppercase())
        .collect();
    if !opts.is_empty() {
        s.push(' ');
        s.push_str(&opts.join(", "));
    }
    s
}

fn index_sql(table: &QName, i: &Index) -> String {
    let parts: Vec<String> = i
        .parts
        .iter()
        .map(|p| {
            let e = p.expr.sql.trim();
            let plain = e.chars().all(|c| c.is_alphanumeric() || c == '_') && !e.is_empty();
            let mut s = if plain {
                q(e)
            } else if e.starts_with('"') {
                e.to_string()
            } else {
                format!("({})", strip_outer_parens(e))
            };
            if let Some(c) = &p.collation {
                s.push_str(&format!(" COLLATE {}", q(c)));
            }
            if p.desc {
                s.push_str(" DESC");
            }
            s
        })
        .collect();
    let mut s = format!(
        "CREATE {}INDEX {} ON {} ({})",
        if i.unique { "UNIQUE " } else { "" },
        q(&i.name),
        qn(table),
        parts.join(", ")
    );
    if let Some(p) = &i.predicate {
        s.push_str(&format!(" WHERE {}", strip_outer_parens(&p.sql)));
    }
    s
}

fn create_table(t: &Table) -> Vec<String> {
    let mut v = vec![format!("CREATE TABLE {} {}", qn(&t.name), table_body(t))];
    v.extend(t.indexes.iter().map(|i| index_sql(&t.name, i)));
    v
}

/// The documented 12-step rebuild: new table, copy rows, drop old, rename, indexes, FK check.
fn rebuild(from: &Table, to: &Table) -> Vec<String> {
    let tmp = QName {
        schema: to.name.schema.clone(),
        name: format!("_autogen_new_{}", to.name.name),
    };
    let tmp_table = Table {
        name: tmp.clone(),
        ..to.clone()
    };
    let shared: Vec<String> = to
        .columns
        .iter()
        .filter(|c| from.column(&c.name).is_some() && c.generated.is_none())
        .map(|c| c.name.clone())
        .collect();
    let mut v = vec![format!(
        "CREATE TABLE {} {}",
        qn(&tmp),
        table_body(&tmp_table)
    )];
    if !shared.is_empty() {
        v.push(format!(
            "INSERT INTO {} ({}) SELECT {} FROM {}",
            qn(&tmp),
            cols(&shared),
            cols(&shared),
            qn(&from.name)
        ));
    }
    // AUTOINCREMENT: the new table continues from the old one's high-water mark (copying the rows
    // would set it to the largest id left, and ids of deleted rows would be handed out again).
    let autoinc = |t: &Table| t.options.iter().any(|o| o == "autoincrement");
    if autoinc(from) && autoinc(to) {
        let (old, new) = (quote_literal(&from.name.name), quote_literal(&tmp.name));
        v.push(format!("DELETE FROM sqlite_sequence WHERE name = {new}"));
        v.push(format!(
            "UPDATE sqlite_sequence SET name = {new} WHERE name = {old}"
        ));
    }
    v.push(format!("DROP TABLE {}", qn(&from.name)));
    // Legacy rename: views naming the table must not be re-checked while it is briefly missing.
    v.push("PRAGMA legacy_alter_table = ON".into());
    v.push(format!(
        "ALTER TABLE {} RENAME TO {}",
        qn(&tmp),
        q(&to.name.name)
    ));
    v.push("PRAGMA legacy_alter_table = OFF".into());
    v.extend(to.indexes.iter().map(|i| index_sql(&to.name, i)));
    v.push(format!("PRAGMA foreign_key_check({})", q(&to.name.name)));
    v
}

/// In an offline script, `PRAGMA foreign_key_check(t)` only prints rows: the runner fails on them, and so
/// must the script. Each violation becomes a row that breaks a CHECK, failing the statement (and, with
/// `sqlite3 -bail`, the script) before COMMIT.
pub fn script_statement(sql: &str) -> Vec<String> {
    let t = sql.trim();
    if !t
        .to_ascii_lowercase()
        .starts_with("pragma foreign_key_check")
    {
        return vec![sql.to_string()];
    }
    let inner = match (t.find('('), t.rfind(')')) {
        (Some(a), Some(b)) if a < b => Some(t[a + 1..b].trim()),
        _ => None,
    };
    let source = match inner {
        Some(n) => {
            let name = match n.strip_prefix('"').and_then(|x| x.strip_suffix('"')) {
                Some(x) => x.replace("\"\"", "\""),
                None => n.to_string(),
            };
            format!("pragma_foreign_key_check({})", quote_literal(&name))
        }
        None => "pragma_foreign_key_check".to_string(),
    };
    vec![
        "CREATE TEMP TABLE IF NOT EXISTS _autogen_fk_check (violation TEXT, CONSTRAINT \"a foreign key is violated (PRAGMA foreign_key_check lists the rows)\" CHECK (violation IS NULL))".into(),
        format!("INSERT INTO _autogen_fk_check SELECT \"table\" || ' rowid ' || rowid || ' references a missing row of ' || parent FROM {source}"),
    ]
}

fn create_view(v: &View) -> String {
    let names = if v.names.is_empty() {
        String::new()
    } else {
        format!(" ({})", cols(&v.names))
    };
    format!("CREATE VIEW {}{names} AS {}", qn(&v.name), v.sql.sql)
}

pub fn render(op: &Op) -> Vec<String> {
    use Op::*;
    match op {
        CreateTable(t) => create_table(t),
        DropTable(t) => vec![format!("DROP TABLE {}", qn(&t.name))],
        // SQLite refuses a rename to a name that differs only in case ("already another table"):
        // go through a temporary name.
        RenameTable { from, to } if from.name.eq_ignore_ascii_case(&to.name) => {
            let tmp = format!("_autogen_rename_{}", to.name);
            vec![
                format!("ALTER TABLE {} RENAME TO {}", qn(from), q(&tmp)),
                format!(
                    "ALTER TABLE {} RENAME TO {}",
                    qn(&QName {
                        schema: from.schema.clone(),
                        name: tmp
                    }),
                    q(&to.name)
                ),
            ]
        }
        RenameTable { from, to } => vec![format!(
            "ALTER TABLE {} RENAME TO {}",
            qn(from),
            q(&to.name)
        )],
        AddColumn { table, column } => {
            let t = Table::new(table.clone());
            vec![format!(
                "ALTER TABLE {} ADD COLUMN {}",
                qn(table),
                column_def(&t, column)
            )]
        }
        DropColumn { table, column } => vec![format!(
            "ALTER TABLE {} DROP COLUMN {}",
            qn(table),
            q(&column.name)
        )],
        RenameColumn { table, from, to } => {
            vec![format!(
                "ALTER TABLE {} RENAME COLUMN {} TO {}",
                qn(table),
                q(from),
                q(to)
            )]
        }
        CreateIndex { table, index } => vec![index_sql(table, index)],
        DropIndex { table, index } => {
            vec![format!(
                "DROP INDEX {}",
                qn(&QName {
                    schema: table.schema.clone(),
                    name: index.name.clone()
                })
            )]
        }
        RebuildTable { from, to } => rebuild(from, to),
        CreateView(v) => vec![create_view(v)],
        DropView(v) => vec![format!("DROP VIEW {}", qn(&v.name))],
        AlterView { from, to } => vec![format!("DROP VIEW {}", qn(&from.name)), create_view(to)],
        CreateTrigger(t) => vec![t.sql.sql.clone()],
        DropTrigger(t) => vec![format!(
            "DROP TRIGGER {}",
            qn(&QName {
                schema: t.table.schema.clone(),
                name: t.name.clone()
            })
        )],
        // Everything else is lowered to a rebuild (see `lower`) or does not exist in SQLite.
        _ => vec![],
    }
}
