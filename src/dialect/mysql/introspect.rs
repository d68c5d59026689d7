//! Reads the URL's database from `information_schema` in one query per kind (tables, columns,
//! indexes, foreign keys, checks, partitions, other objects), however many tables it has; and aligns
//! the models' table options with the server's defaults.

use std::collections::BTreeMap;

use super::conn::MyConn;
use super::normalize::{self, decode_default, tokens, Tok};
use crate::dialect::conn::{Connection, DbError, Rows};
use crate::schema::*;

fn cell(r: &[Option<String>], i: usize) -> String {
    r.get(i).cloned().flatten().unwrap_or_default()
}

fn opt(r: &[Option<String>], i: usize) -> Option<String> {
    r.get(i).cloned().flatten()
}

/// `utf8mb4_unicode_ci` → `utf8mb4`.
pub(super) fn charset_of(collation: &str) -> &str {
    collation.split('_').next().unwrap_or(collation)
}

/// Runs one catalog query: a live connection's, or canned rows in tests.
pub type Query<'a> = dyn FnMut(&str) -> Result<Rows, DbError> + 'a;

/// The database's default collation and each character set's default collation.
fn defaults(c: &mut Query) -> Result<(String, BTreeMap<String, String>), DbError> {
    let db = c(
        "SELECT DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = DATABASE()",
    )?;
    let sets = c(
        "SELECT CHARACTER_SET_NAME, DEFAULT_COLLATE_NAME FROM information_schema.CHARACTER_SETS",
    )?;
    Ok((
        db.first().map(|r| cell(r, 0)).unwrap_or_default(),
        sets.iter().map(|r| (cell(r, 0), cell(r, 1))).collect(),
    ))
}

/// Table options as compared: `charset=C` where the collation is its character set's default,
/// `collate=X` otherwise; nothing where it is the database's.
fn collation_option(
    coll: &str,
    db_coll: &str,
    set_defaults: &BTreeMap<String, String>,
) -> Option<String> {
    if coll.is_empty() || coll.eq_ignore_ascii_case(db_coll) {
        return None;
    }
    let cs = charset_of(coll);
    Some(
        if set_defaults
            .get(cs)
            .is_some_and(|d| d.eq_ignore_ascii_case(coll))
        {
            format!("charset={cs}")
        } else {
            format!("collate={coll}")
        }
        .to_ascii_lowercase(),
    )
}

pub fn introspect(conn: &mut MyConn) -> Result<Schema, DbError> {
    let (mariadb, database) = (conn.mariadb, conn.database.clone());
    from_catalog(&mut |sql: &str| conn.query(sql), mariadb, &database)
}

/// The schema from the catalog queries' rows (`mariadb`: which flavor's catalog answers).
pub fn from_catalog(c: &mut Query, mariadb: bool, database: &str) -> Result<Schema, DbError> {
    let mut s = Schema::default();
    let (db_coll, set_defaults) = defaults(c)?;
    let own = crate::schema::OWN_TABLES;
    // Tables.
    let rows = c(
        "SELECT TABLE_NAME, TABLE_TYPE, ENGINE, TABLE_COLLATION, CREATE_OPTIONS, TABLE_COMMENT \
         FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME",
    )?;
    let mut collations: BTreeMap<String, String> = BTreeMap::new();
    for r in &rows {
        let name = cell(r, 0);
        if own.contains(&name.as_str()) {
            continue;
        }
        match cell(r, 1).as_str() {
            "BASE TABLE" => {}
            "VIEW" | "SYSTEM VIEW" => {
                s.unmanaged
                    .push(format!("view {name} (views are not managed on MySQL yet)"));
                continue;
            }
            other => {
                s.unmanaged
                    .push(format!("{} {name}", other.to_ascii_lowercase()));
                continue;
            }
        }
        let mut t = Table::new(QName::new(None, &name));
        let engine = cell(r, 2);
        if !engine.eq_ignore_ascii_case("innodb") && !engine.is_empty() {
            t.options
                .push(format!("engine={}", engine.to_ascii_lowercase()));
        }
        let coll = cell(r, 3);
        t.options
            .extend(collation_option(&coll, &db_coll, &set_defaults));
        collations.insert(name.clone(), coll);
        for o in cell(r, 4).split_whitespace() {
            let o = o.to_ascii_lowercase();
            if o.starts_with("row_format=") {
                t.options.push(o);
            }
        }
        let comment = cell(r, 5);
        t.comment = (!comment.is_empty()).then_some(comment);
        s.tables.insert(t.name.clone(), t);
    }
    columns(c, &mut s, mariadb, &collations)?;
    indexes(c, &mut s, mariadb)?;
    foreign_keys(c, &mut s, database)?;
    checks(c, &mut s, mariadb)?;
    partitions(c, &mut s)?;
    others(c, &mut s)?;
    Ok(s)
}

fn columns(
    c: &mut Query,
    s: &mut Schema,
    mariadb: bool,
    collations: &BTreeMap<String, String>,
) -> Result<(), DbError> {
    let rows = c(
        "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, \
         GENERATION_EXPRESSION, COLLATION_NAME, COLUMN_COMMENT \
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() \
         ORDER BY TABLE_NAME, ORDINAL_POSITION",
    )?;
    for r in &rows {
        let Some(t) = s.tables.get_mut(&QName::new(None, &cell(r, 0))) else {
            continue;
        };
        let raw_ty = cell(r, 2);
        let ty = normalize::canonical_type(&raw_ty).unwrap_or(raw_ty.clone());
        let mut col = Column::new(&cell(r, 1), &ty);
        col.nullable = cell(r, 3) == "YES";
        let extra = cell(r, 5);
        let lextra = extra.to_ascii_lowercase();
        let generated = opt(r, 6).filter(|g| !g.is_empty());
        if let Some(g) = generated {
            col.generated = Some(Expr::new(g));
            col.stored = lextra.contains("stored") || lextra.contains("persistent");
        } else {
            col.default = decode_default(opt(r, 4).as_deref(), mariadb, &extra, &ty).map(Expr::new);
        }
        col.auto_increment = lextra.contains("auto_increment");
        if let Some(p) = lextra.find("on update ") {
            let rest = &extra[p + "on update ".len()..];
            let end = rest
                .find(|ch: char| ch.is_whitespace())
                .unwrap_or(rest.len());
            col.on_update = Some(Expr::new(rest[..end].to_string()));
        }
        col.invisible = lextra.contains("invisible");
        if let Some(coll) = opt(r, 7) {
            let table_coll = collations
                .get(&t.name.name)
                .map(String::as_str)
                .unwrap_or("");
            if normalize::is_text(&col.ty) && !coll.eq_ignore_ascii_case(table_coll) {
                col.collation = Some(coll.to_ascii_lowercase());
            }
        }
        let comment = cell(r, 8);
        col.comment = (!comment.is_empty()).then_some(comment);
        t.columns.push(col);
    }
    Ok(())
}

fn indexes(c: &mut Query, s: &mut Schema, mariadb: bool) -> Result<(), DbError> {
    // Visibility: MariaDB's IGNORED (10.6+), MySQL's IS_VISIBLE; MySQL 8's functional key parts
    // have no COLUMN_NAME but an EXPRESSION.
    let rows = c(if mariadb {
        "SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME, SUB_PART, COLLATION, INDEX_TYPE, \
         INDEX_COMMENT, IGNORED = 'YES', NULL FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() \
         ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX"
    } else {
        "SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME, SUB_PART, COLLATION, INDEX_TYPE, \
         INDEX_COMMENT, IS_VISIBLE = 'NO', EXPRESSION FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() \
         ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX"
    })?;
    let mut grouped: BTreeMap<(String, String), Vec<&Vec<Option<String>>>> = BTreeMap::new();
    for r in &rows {
        grouped.entry((cell(r, 0), cell(r, 1))).or_default().push(r);
    }
    for ((table, name), parts) in grouped {
        let Some(t) = s.tables.get_mut(&QName::new(None, &table)) else {
            continue;
        };
        let kind = cell(parts[0], 6).to_ascii_lowercase();
        let unique = cell(parts[0], 2) == "0";
        let spatial_or_text = kind == "spatial" || kind == "fulltext";
        let ip: Vec<IndexPart> = parts
            .iter()
            .map(|r| IndexPart {
                expr: Expr::new(match (opt(r, 3), opt(r, 9)) {
                    (Some(col), _) if !col.is_empty() => super::ident(&col),
                    (_, Some(e)) => e,
                    _ => String::new(),
                }),
                collation: None,
                opclass: None,
                // SPATIAL reports a sub-part of 32 it was never given.
                prefix: if spatial_or_text {
                    None
                } else {
                    opt(r, 4).and_then(|p| p.parse().ok())
                },
                desc: cell(r, 5) == "D",
                nulls_first: None,
            })
            .collect();
        let cols: Vec<String> = parts.iter().map(|r| cell(r, 3)).collect();
        let comment = cell(parts[0], 7);
        if name == "PRIMARY" {
            t.primary_key = Some(PrimaryKey {
                name,
                columns: cols,
                deferrable: Deferrable::No,
            });
            continue;
        }
        t.indexes.push(Index {
            name,
            unique,
            method: kind,
            parts: ip,
            include: vec![],
            predicate: None,
            nulls_not_distinct: false,
            with: vec![],
            comment: (!comment.is_empty()).then_some(comment),
            invisible: cell(parts[0], 8) == "1",
            parser: None,
        });
    }
    parsers(c, s)
}

/// A FULLTEXT index's parser is only in `SHOW CREATE TABLE`: asked of the tables that have one.
fn parsers(c: &mut Query, s: &mut Schema) -> Result<(), DbError> {
    for t in s.tables.values_mut() {
        if !t.indexes.iter().any(|i| i.method == "fulltext") {
            continue;
        }
        let rows = c(&format!("SHOW CREATE TABLE {}", super::ident(&t.name.name)))?;
        let Some(text) = rows.first().and_then(|r| opt(r, 1)) else {
            continue;
        };
        for (name, parser) in fulltext_parsers(&text) {
            if let Some(i) = t.indexes.iter_mut().find(|i| i.name == name) {
                i.parser = Some(parser.to_ascii_lowercase());
            }
        }
    }
    Ok(())
}

/// `(index, parser)` of each ``FULLTEXT KEY `name` (…) /*!50100 WITH PARSER `ngram` */`` line.
pub fn fulltext_parsers(create: &str) -> Vec<(String, String)> {
    // A backquoted name at the start of `s` (doubled backticks inside) and the rest after it.
    fn quoted(s: &str) -> Option<(String, &str)> {
        let mut out = String::new();
        let mut it = s.strip_prefix('`')?.char_indices().peekable();
        while let Some((i, ch)) = it.next() {
            if ch == '`' {
                if it.peek().map(|p| p.1) == Some('`') {
                    it.next();
                    out.push('`');
                } else {
                    return Some((out, &s[i + 2..]));
                }
            } else {
                out.push(ch);
            }
        }
        None
    }
    create
        .lines()
        .filter_map(|l| {
            let (name, rest) = quoted(l.trim_start().strip_prefix("FULLTEXT KEY ")?)?;
            // Past the key parts (names in backticks may hold anything), then the options.
            let rest = rest.strip_prefix(" (")?;
            let mut in_name = false;
            let end = rest.char_indices().find_map(|(i, ch)| {
                if ch == '`' {
                    in_name = !in_name;
                }
                (ch == ')' && !in_name).then_some(i)
            })?;
            let opts = rest[end + 1..].trim_start();
            let opts = opts.strip_prefix("/*!50100 ").unwrap_or(opts);
            let (parser, _) = quoted(opts.strip_prefix("WITH PARSER ")?)?;
            Some((name, parser))
        })
        .collect()
}

fn action(s: &str) -> FkAction {
    FkAction::parse(s).unwrap_or_default()
}

fn foreign_keys(c: &mut Query, s: &mut Schema, db: &str) -> Result<(), DbError> {
    let rows: Rows = c(
        "SELECT k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_SCHEMA, \
         k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, r.UPDATE_RULE, r.DELETE_RULE \
         FROM information_schema.KEY_COLUMN_USAGE k \
         JOIN information_schema.REFERENTIAL_CONSTRAINTS r ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA \
         AND r.TABLE_NAME = k.TABLE_NAME AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME \
         WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL \
         ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION",
    )?;
    for r in &rows {
        let Some(t) = s.tables.get_mut(&QName::new(None, &cell(r, 0))) else {
            continue;
        };
        let name = cell(r, 1);
        let ref_schema = cell(r, 3);
        let ref_table = QName::new(
            (ref_schema != db).then_some(ref_schema.as_str()),
            &cell(r, 4),
        );
        match t.foreign_keys.iter_mut().find(|f| f.name == name) {
            Some(f) => {
                f.columns.push(cell(r, 2));
                f.ref_columns.push(cell(r, 5));
            }
            None => t.foreign_keys.push(ForeignKey {
                name,
                columns: vec![cell(r, 2)],
                ref_table,
                ref_columns: vec![cell(r, 5)],
                on_delete: action(&cell(r, 7)),
                on_update: action(&cell(r, 6)),
                deferrable: Deferrable::No,
                match_full: false,
                not_valid: false,
            }),
        }
    }
    Ok(())
}

/// Whether a check is MariaDB's `json_valid(`c`)` on column `c`: the mark of a `json` column.
fn json_check(clause: &str, column: &str) -> bool {
    matches!(tokens(clause).as_slice(),
        [Tok::Word(f, false), Tok::Punct(o), Tok::Word(c, _), Tok::Punct(cl)]
            if f.eq_ignore_ascii_case("json_valid") && o == "(" && cl == ")" && c == column)
}

fn checks(c: &mut Query, s: &mut Schema, mariadb: bool) -> Result<(), DbError> {
    let sql = if mariadb {
        "SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE, LEVEL FROM information_schema.CHECK_CONSTRAINTS \
         WHERE CONSTRAINT_SCHEMA = DATABASE() ORDER BY 1, 2"
    } else {
        "SELECT tc.TABLE_NAME, cc.CONSTRAINT_NAME, cc.CHECK_CLAUSE, 'Table' FROM information_schema.CHECK_CONSTRAINTS cc \
         JOIN information_schema.TABLE_CONSTRAINTS tc ON tc.CONSTRAINT_SCHEMA = cc.CONSTRAINT_SCHEMA \
         AND tc.CONSTRAINT_NAME = cc.CONSTRAINT_NAME AND tc.CONSTRAINT_TYPE = 'CHECK' \
         WHERE cc.CONSTRAINT_SCHEMA = DATABASE() ORDER BY 1, 2"
    };
    for r in &c(sql)? {
        let Some(t) = s.tables.get_mut(&QName::new(None, &cell(r, 0))) else {
            continue;
        };
        let (name, clause, level) = (cell(r, 1), cell(r, 2), cell(r, 3));
        // MariaDB's json: longtext with a column check json_valid(col), named after the column.
        if level == "Column" && json_check(&clause, &name) {
            if let Some(col) = t
                .columns
                .iter_mut()
                .find(|x| x.name == name && x.ty == "longtext")
            {
                col.ty = "json".into();
                col.collation = None;
                continue;
            }
        }
        t.checks.push(Check {
            name,
            expr: Expr::new(clause),
            no_inherit: false,
            not_valid: false,
        });
    }
    Ok(())
}

/// Partitioned tables: the whole `PARTITION BY …` clause, rebuilt from `information_schema.PARTITIONS`.
fn partitions(c: &mut Query, s: &mut Schema) -> Result<(), DbError> {
    let rows = c(
        "SELECT TABLE_NAME, PARTITION_NAME, PARTITION_METHOD, PARTITION_EXPRESSION, PARTITION_DESCRIPTION, \
         SUBPARTITION_NAME FROM information_schema.PARTITIONS \
         WHERE TABLE_SCHEMA = DATABASE() AND PARTITION_NAME IS NOT NULL \
         ORDER BY TABLE_NAME, PARTITION_ORDINAL_POSITION, SUBPARTITION_ORDINAL_POSITION",
    )?;
    let mut by_table: BTreeMap<String, Vec<&Vec<Option<String>>>> = BTreeMap::new();
    for r in &rows {
        by_table.entry(cell(r, 0)).or_default().push(r);
    }
    for (table, parts) in by_table {
        let Some(t) = s.tables.get_mut(&QName::new(None, &table)) else {
            continue;
        };
        if parts.iter().any(|r| opt(r, 5).is_some()) {
            s.unmanaged.push(format!(
                "subpartitions of {table} (the table is managed, its partitioning is not)"
            ));
            continue;
        }
        let method = cell(parts[0], 2);
        let expr = cell(parts[0], 3);
        let mut clause = format!("{method} ({expr})");
        let m = method.to_ascii_uppercase();
        if m.contains("HASH") || m.contains("KEY") {
            clause.push_str(&format!(" PARTITIONS {}", parts.len()));
        } else {
            let defs: Vec<String> = parts
                .iter()
                .map(|r| {
                    let d = cell(r, 4);
                    let bound = if m.starts_with("RANGE") {
                        if d == "MAXVALUE" {
                            "VALUES LESS THAN MAXVALUE".to_string()
                        } else {
                            format!("VALUES LESS THAN ({d})")
                        }
                    } else {
                        format!("VALUES IN ({d})")
                    };
                    format!("PARTITION {} {bound}", super::ident(&cell(r, 1)))
                })
                .collect();
            clause.push_str(&format!(" ({})", defs.join(", ")));
        }
        t.partition_by = Some(Expr::new(clause));
    }
    Ok(())
}

/// Views, triggers, routines and events: listed as not managed (yet), never dropped.
fn others(c: &mut Query, s: &mut Schema) -> Result<(), DbError> {
    let rows = c(
        "SELECT 'trigger', TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() \
         UNION ALL SELECT LOWER(ROUTINE_TYPE), ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE() \
         UNION ALL SELECT 'event', EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = DATABASE()",
    )?;
    for r in rows {
        s.unmanaged.push(format!(
            "{} {} (not managed on MySQL yet)",
            cell(&r, 0),
            cell(&r, 1)
        ));
    }
    Ok(())
}

/// The models' table options and column collations in the server's terms: `collate=X` that is its
/// character set's default is `charset=C`; the database's own character set and collation, and a
/// column collation equal to its table's, are what an omitted one means.
pub fn align(conn: &mut MyConn, models: &mut Schema, _live: &Schema) -> Result<(), DbError> {
    let (db_coll, set_defaults) = defaults(&mut |sql: &str| conn.query(sql))?;
    for t in models.tables.values_mut() {
        let mut coll = None;
        let mut set = None;
        t.options.retain(|o| {
            if let Some(x) = o.strip_prefix("collate=") {
                coll = Some(x.to_string());
                false
            } else if let Some(x) = o.strip_prefix("charset=") {
                set = Some(x.to_string());
                false
            } else {
                true
            }
        });
        let coll = coll.or_else(|| set.and_then(|cs| set_defaults.get(&cs).cloned()));
        let table_coll = coll.clone().unwrap_or_else(|| db_coll.clone());
        if let Some(o) = coll.and_then(|x| collation_option(&x, &db_coll, &set_defaults)) {
            t.options.push(o);
        }
        t.options.sort();
        for col in &mut t.columns {
            if col
                .collation
                .as_deref()
                .is_some_and(|x| x.eq_ignore_ascii_case(&table_coll))
            {
                col.collation = None;
            }
        }
    }
    Ok(())
}
