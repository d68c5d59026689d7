//! The typed functions of one table: from_row, insert, get, update, delete, list, find by each unique
//! key, and the navigations along its foreign keys (both ways, and through join tables).

use super::fmt::{self, Arg};
use super::nav::navigations;
use super::query::{Bind, Shape};
use super::types::Backend;
use super::Gen;
use crate::codegen::names::{snake, words, Unique};

/// Every function of entity `e`.
pub(super) fn functions(g: &Gen, o: &mut String, e: usize, fns: &mut Unique) {
    let ent = &g.m.entities[e];
    let ty = &ent.type_name;
    let (_, conn) = g.conn();
    let table = g.table_sql(e);
    let all = g.select_list(e, None);
    // from_row
    let row_ty = match g.b {
        Backend::Postgres => "&Row",
        Backend::Sqlite => "&Row<'_>",
        Backend::Mysql => "Row",
    };
    fmt::signature(
        o,
        "",
        &g.from_row[e],
        &[format!("row: {row_ty}")],
        &g.ret(ty),
    );
    let mut body = vec![];
    for (i, f) in g.fields[e].iter().enumerate() {
        let get = match g.b {
            Backend::Postgres => format!("row.try_get({i})?"),
            Backend::Sqlite => format!("row.get({i})?"),
            Backend::Mysql if g.types[e][i].is_enum => {
                if ent.column(i).nullable {
                    format!("parse_opt(take(&row, {i})?)?")
                } else {
                    format!("parse(take(&row, {i})?)?")
                }
            }
            Backend::Mysql => format!("take(&row, {i})?"),
        };
        body.push(format!("{f}: {get}"));
    }
    // rustfmt's struct literal width: 18.
    let joined = body.join(", ");
    if joined.len() <= 18 {
        o.push_str(&format!("    Ok({ty} {{ {} }})\n}}\n\n", body.join(", ")));
    } else {
        o.push_str(&format!("    Ok({ty} {{\n"));
        // rustfmt 1.9 measures the one-line form in characters, then in bytes: a lone field that
        // passes the first and fails the second ends up on its own line without a comma.
        let last = if body.len() == 1 && joined.chars().count() <= 18 {
            ""
        } else {
            ","
        };
        for (k, b) in body.iter().enumerate() {
            let comma = if k + 1 < body.len() { "," } else { last };
            o.push_str(&format!("        {b}{comma}\n"));
        }
        o.push_str("    })\n}\n\n");
    }
    insert(g, o, e, fns);
    let pk_params: Vec<String> = ent
        .pk
        .iter()
        .map(|&c| format!("{}: {}", pname(&g.fields[e][c]), g.types[e][c].param()))
        .collect();
    let pk_binds = |from: &str| -> Vec<Bind> {
        ent.pk
            .iter()
            .map(|&c| Bind {
                expr: if from.is_empty() {
                    pname(&g.fields[e][c])
                } else {
                    format!("{from}{}", g.fields[e][c])
                },
                entity: e,
                col: c,
            })
            .collect()
    };
    let one = &ent.one;
    if !ent.pk.is_empty() {
        let get = fns.take(format!("get_{one}"));
        fmt::doc(
            o,
            "",
            &format!("The row of `{}` with this primary key.", ent.table.name),
        );
        let mut ps = vec![conn.to_string()];
        ps.extend(pk_params.clone());
        fmt::signature(o, "pub ", &get, &ps, &g.ret(&format!("Option<{ty}>")));
        let binds = pk_binds("");
        let sql = format!(
            "SELECT {all} FROM {table} WHERE {}",
            g.where_sql(e, &ent.pk, &binds, 1, None)
        );
        g.run(o, &sql, &binds, Shape::Opt(e));
        o.push_str("}\n\n");
        // update: every column but the key and those the database computes.
        let set: Vec<usize> = (0..ent.table.columns.len())
            .filter(|c| !ent.pk.contains(c))
            .filter(|&c| {
                let col = ent.column(c);
                col.generated.is_none() && !col.identity.as_ref().is_some_and(|i| i.always)
            })
            .collect();
        if !set.is_empty() {
            let name = fns.take(format!("update_{one}"));
            fmt::doc(o, "", &format!("Writes every column of `row` but its key to the row of `{}` with that key; false when\nthere is none.", ent.table.name));
            fmt::signature(
                o,
                "pub ",
                &name,
                &[conn.to_string(), format!("row: &{ty}")],
                &g.ret("bool"),
            );
            let mut binds: Vec<Bind> = set
                .iter()
                .map(|&c| Bind {
                    expr: format!("row.{}", g.fields[e][c]),
                    entity: e,
                    col: c,
                })
                .collect();
            let assigns: Vec<String> = set
                .iter()
                .zip(&binds)
                .enumerate()
                .map(|(k, (&c, b))| {
                    format!(
                        "{} = {}",
                        g.q(&ent.column(c).name),
                        g.placeholder(k + 1, b, (e, c))
                    )
                })
                .collect();
            let keys = pk_binds("row.");
            let wh = g.where_sql(e, &ent.pk, &keys, set.len() + 1, None);
            binds.extend(keys);
            let sql = format!("UPDATE {table} SET {} WHERE {wh}", assigns.join(", "));
            if g.b == Backend::Mysql {
                // MySQL counts only the rows an update changed: an unchanged row is looked up.
                fmt::let_sql(o, &sql);
                let vals: Vec<String> = binds.iter().map(|b| g.bound(o, b)).collect();
                fmt::call(
                    o,
                    "conn.exec_drop",
                    &[Arg::Plain("sql".into()), Arg::Array(Some("vec"), vals)],
                    "?;",
                );
                let keys: Vec<String> = ent.pk.iter().map(|&c| key_arg(g, e, c, "row.")).collect();
                let found = format!("{get}(conn, {})?.is_some()", keys.join(", "));
                let one = format!("    Ok(conn.affected_rows() == 1 || {found})");
                if one.len() <= 100 {
                    o.push_str(&format!("{one}\n"));
                } else {
                    o.push_str(&format!(
                        "    Ok(conn.affected_rows() == 1\n        || {found})\n"
                    ));
                }
            } else {
                g.run(o, &sql, &binds, Shape::Exec);
            }
            o.push_str("}\n\n");
        }
        let name = fns.take(format!("delete_{one}"));
        fmt::doc(
            o,
            "",
            &format!(
                "Deletes the row of `{}` with this primary key; false when there is none.",
                ent.table.name
            ),
        );
        let mut ps = vec![conn.to_string()];
        ps.extend(pk_params.clone());
        fmt::signature(o, "pub ", &name, &ps, &g.ret("bool"));
        let binds = pk_binds("");
        let sql = format!(
            "DELETE FROM {table} WHERE {}",
            g.where_sql(e, &ent.pk, &binds, 1, None)
        );
        g.run(o, &sql, &binds, Shape::Exec);
        o.push_str("}\n\n");
    }
    let name = fns.take(format!("list_{}", ent.many));
    fmt::doc(
        o,
        "",
        &format!(
            "Every row of `{}`{}.",
            ent.table.name,
            if ent.pk.is_empty() {
                ""
            } else {
                ", by primary key"
            }
        ),
    );
    fmt::signature(
        o,
        "pub ",
        &name,
        &[conn.to_string()],
        &g.ret(&format!("Vec<{ty}>")),
    );
    let sql = format!("SELECT {all} FROM {table}{}", g.order_by(e, None));
    g.run(o, &sql, &[], Shape::Many(e));
    o.push_str("}\n\n");
    for u in &ent.uniques {
        let by = snake(&words(
            &u.iter()
                .map(|&c| ent.column(c).name.clone())
                .collect::<Vec<_>>()
                .join("_"),
        ));
        let name = fns.take(format!("find_{one}_by_{by}"));
        fmt::doc(
            o,
            "",
            &format!("The row of `{}` with this unique key.", ent.table.name),
        );
        let mut ps = vec![conn.to_string()];
        ps.extend(
            u.iter()
                .map(|&c| format!("{}: {}", pname(&g.fields[e][c]), g.types[e][c].param())),
        );
        fmt::signature(o, "pub ", &name, &ps, &g.ret(&format!("Option<{ty}>")));
        let binds: Vec<Bind> = u
            .iter()
            .map(|&c| Bind {
                expr: pname(&g.fields[e][c]),
                entity: e,
                col: c,
            })
            .collect();
        let sql = format!(
            "SELECT {all} FROM {table} WHERE {}",
            g.where_sql(e, u, &binds, 1, None)
        );
        g.run(o, &sql, &binds, Shape::Opt(e));
        o.push_str("}\n\n");
    }
    navigations(g, o, e);
}

/// A key passed on to another generated function: `row.id`, `&row.code`, `row.kind`.
fn key_arg(g: &Gen, e: usize, c: usize, from: &str) -> String {
    let p = g.types[e][c].param();
    let f = format!("{from}{}", g.fields[e][c]);
    if p.starts_with('&') {
        format!("&{f}")
    } else {
        f
    }
}

fn insert(g: &Gen, o: &mut String, e: usize, fns: &mut Unique) {
    let ent = &g.m.entities[e];
    let ty = &ent.type_name;
    let (c, conn) = g.conn();
    let name = fns.take(format!("insert_{}", ent.one));
    let cols = g.insert_columns(e);
    fmt::doc(
        o,
        "",
        &format!(
            "Inserts a row into `{}` and returns it as stored.",
            ent.table.name
        ),
    );
    let newp = if cols.is_empty() { "_new" } else { "new" };
    let keyless = ent.pk.is_empty() && ent.uniques.is_empty();
    let ret = if g.b == Backend::Mysql && keyless {
        "()"
    } else {
        ty.as_str()
    };
    fmt::signature(
        o,
        "pub ",
        &name,
        &[conn.to_string(), format!("{newp}: &{}", g.new_names[e])],
        &g.ret(ret),
    );
    let mut_ = if cols.is_empty() { "" } else { "mut " };
    // Enum values are bound as their text.
    for &ci in &cols {
        let t = &g.types[e][ci];
        if !t.is_enum {
            continue;
        }
        let f = &g.fields[e][ci];
        let col = ent.column(ci);
        let depth = usize::from(col.nullable) + usize::from(super::defaulted(g.b, ent, col));
        let conv = match depth {
            0 => format!("new.{f}.as_str()"),
            1 => format!("new.{f}.map({}::as_str)", t.ty),
            _ => format!("new.{f}.map(|v| v.map({}::as_str))", t.ty),
        };
        fmt::let_chain(o, &local(f), &conv);
    }
    match g.b {
        Backend::Postgres => {
            o.push_str(&format!(
                "    let {mut_}columns: Vec<(&str, &str)> = Vec::new();\n"
            ));
            o.push_str(&format!(
                "    let {mut_}values: Vec<&(dyn ToSql + Sync)> = Vec::new();\n"
            ));
        }
        Backend::Sqlite => {
            o.push_str(&format!("    let {mut_}columns: Vec<&str> = Vec::new();\n"));
            o.push_str(&format!(
                "    let {mut_}values: Vec<&dyn ToSql> = Vec::new();\n"
            ));
        }
        Backend::Mysql => {
            o.push_str(&format!("    let {mut_}columns: Vec<&str> = Vec::new();\n"));
            o.push_str(&format!("    let {mut_}values: Vec<Value> = Vec::new();\n"));
        }
    }
    for &ci in &cols {
        let t = &g.types[e][ci];
        let f = &g.fields[e][ci];
        let col = ent.column(ci);
        let src = if t.is_enum {
            local(f)
        } else {
            format!("new.{f}")
        };
        let qn = fmt::lit(&g.q(&col.name));
        let defaulted = super::defaulted(g.b, ent, col);
        let ind = if defaulted { "        " } else { "    " };
        let push_col = match g.b {
            Backend::Postgres => {
                let cast = fmt::lit(&t.bind);
                let tuple = format!("({qn}, {cast})");
                if tuple.len() <= 62 && ind.len() + tuple.len() + 15 <= 100 {
                    format!("columns.push({tuple});")
                } else {
                    format!("columns.push((\n{ind}    {qn},\n{ind}    {cast},\n{ind}));")
                }
            }
            _ => format!("columns.push({qn});"),
        };
        let push_val = |v: &str| match g.b {
            Backend::Postgres | Backend::Sqlite => format!("values.push({v});"),
            Backend::Mysql => format!("values.push({v}.to_value());"),
        };
        if defaulted {
            o.push_str(&format!(
                "    if let Some(v) = &{src} {{\n        {push_col}\n        {}\n    }}\n",
                push_val("v")
            ));
        } else {
            let r = if g.b == Backend::Mysql {
                src.clone()
            } else {
                format!("&{src}")
            };
            o.push_str(&format!("    {push_col}\n    {}\n", push_val(&r)));
        }
    }
    let table = fmt::lit(&g.table_sql(e));
    match g.b {
        Backend::Postgres | Backend::Sqlite => {
            let ret = fmt::lit(&g.select_list(e, None));
            fmt::call(
                o,
                "let sql = insert_sql",
                &[
                    Arg::Plain(table),
                    Arg::Plain("&columns".into()),
                    Arg::Plain(ret),
                ],
                ";",
            );
            if g.b == Backend::Postgres {
                o.push_str(&format!("    let row = {c}.query_one(&sql, &values)?;\n"));
                o.push_str(&format!("    {}(&row)\n", g.from_row[e]));
            } else {
                o.push_str(&format!(
                    "    {c}.query_row(&sql, values.as_slice(), {})\n",
                    g.from_row[e]
                ));
            }
        }
        Backend::Mysql => {
            o.push_str(&format!("    let sql = insert_sql({table}, &columns);\n"));
            o.push_str(&format!("    {c}.exec_drop(&sql, values)?;\n"));
            mysql_fetch_inserted(g, o, e, &cols);
        }
    }
    o.push_str("}\n\n");
}

/// MySQL has no `RETURNING`: the inserted row is read back by its key (`LAST_INSERT_ID()` for an
/// auto-increment column).
fn mysql_fetch_inserted(g: &Gen, o: &mut String, e: usize, cols: &[usize]) {
    let ent = &g.m.entities[e];
    let key = super::mysql_read_back_key(ent);
    let all = g.select_list(e, None);
    let table = g.table_sql(e);
    if key.is_empty() {
        // No key to read it back by (the function returns nothing).
        let _ = cols;
        o.push_str("    Ok(())\n");
        return;
    }
    let mut binds = vec![];
    let mut conds = vec![];
    for &c in &key {
        let col = ent.column(c);
        if col.auto_increment {
            conds.push(format!("{} = LAST_INSERT_ID()", g.q(&col.name)));
        } else {
            conds.push(format!("{} = ?", g.q(&col.name)));
            let f = &g.fields[e][c];
            let src = if g.types[e][c].is_enum {
                local(f)
            } else {
                format!("new.{f}")
            };
            binds.push(src);
        }
    }
    let sql = format!("SELECT {all} FROM {table} WHERE {}", conds.join(" AND "));
    fmt::let_sql(o, &sql);
    let params = if binds.is_empty() {
        Arg::Plain("()".into())
    } else {
        Arg::Array(
            Some("vec"),
            binds.iter().map(|b| format!("{b}.to_value()")).collect(),
        )
    };
    fmt::call(
        o,
        "let row: Option<Row> = conn.exec_first",
        &[Arg::Plain("sql".into()), params],
        "?;",
    );
    o.push_str("    match row {\n");
    o.push_str(&format!("        Some(r) => {}(r),\n", g.from_row[e]));
    o.push_str("        None => Err(gone()),\n");
    o.push_str("    }\n");
}

/// Names the generated functions use for their own locals and the connection: a parameter named
/// like one gets `_value` (a column `sql`, a table `conn`).
const LOCALS: &[&str] = &[
    "client", "conn", "sql", "row", "rows", "r", "n", "stmt", "new", "_new", "values", "columns",
    "v",
];

pub(super) fn pname(s: &str) -> String {
    let bare = s.trim_start_matches("r#");
    if LOCALS.contains(&bare) {
        format!("{bare}_value")
    } else {
        s.to_string()
    }
}

pub(super) fn local(field: &str) -> String {
    format!("{}_text", field.trim_start_matches("r#"))
}
