//! The navigations of one table's rows: `user_of_booking` (to the row a key references),
//! `bookings_of_user` (the rows referencing it) and, through join tables, `features_of_room`.

use super::crud::pname;
use super::fmt;
use super::query::{Bind, Shape};
use super::Gen;

/// `user_of_booking`, `bookings_of_user` and the many-to-many functions of entity `e`.
pub(super) fn navigations(g: &Gen, o: &mut String, e: usize) {
    let (_, conn) = g.conn();
    for l in g.m.links.iter().filter(|l| l.child == e) {
        let (p, pe) = (l.parent, &g.m.entities[l.parent]);
        let ce = &g.m.entities[e];
        fmt::doc(
            o,
            "",
            &format!(
                "The row of `{}` this row of `{}` references ({}).",
                pe.table.name,
                ce.table.name,
                l.fk.columns.join(", ")
            ),
        );
        let arg = ce.one.clone();
        fmt::signature(
            o,
            "pub ",
            &l.to_parent,
            &[
                conn.to_string(),
                format!("{}: &{}", g_ident(&arg), ce.type_name),
            ],
            &g.ret(&format!("Option<{}>", pe.type_name)),
        );
        let binds: Vec<Bind> = l
            .child_cols
            .iter()
            .map(|&c| Bind {
                expr: format!("{}.{}", g_ident(&arg), g.fields[e][c]),
                entity: e,
                col: c,
            })
            .collect();
        let sql = format!(
            "SELECT {} FROM {} WHERE {}",
            g.select_list(p, None),
            g.table_sql(p),
            g.where_sql(p, &l.parent_cols, &binds, 1, None)
        );
        g.run(o, &sql, &binds, Shape::Opt(p));
        o.push_str("}\n\n");
    }
    for l in g.m.links.iter().filter(|l| l.parent == e) {
        let (c, ce) = (l.child, &g.m.entities[l.child]);
        let pe = &g.m.entities[e];
        fmt::doc(
            o,
            "",
            &format!(
                "The rows of `{}` that reference this row of `{}` ({}).",
                ce.table.name,
                pe.table.name,
                l.fk.columns.join(", ")
            ),
        );
        let arg = pe.one.clone();
        fmt::signature(
            o,
            "pub ",
            &l.to_children,
            &[
                conn.to_string(),
                format!("{}: &{}", g_ident(&arg), pe.type_name),
            ],
            &g.ret(&format!("Vec<{}>", ce.type_name)),
        );
        let binds: Vec<Bind> = l
            .parent_cols
            .iter()
            .map(|&pc| Bind {
                expr: format!("{}.{}", g_ident(&arg), g.fields[e][pc]),
                entity: e,
                col: pc,
            })
            .collect();
        let sql = format!(
            "SELECT {} FROM {} WHERE {}{}",
            g.select_list(c, None),
            g.table_sql(c),
            g.where_sql(c, &l.child_cols, &binds, 1, None),
            g.order_by(c, None)
        );
        g.run(o, &sql, &binds, Shape::Many(c));
        o.push_str("}\n\n");
    }
    for mm in &g.m.many_to_many {
        let (left, right) = (&g.m.links[mm.left], &g.m.links[mm.right]);
        for (from, to, name) in [
            (left, right, &mm.lefts_rights),
            (right, left, &mm.rights_lefts),
        ] {
            if from.parent != e {
                continue;
            }
            let (fe, te) = (&g.m.entities[from.parent], &g.m.entities[to.parent]);
            let je = &g.m.entities[mm.join];
            fmt::doc(
                o,
                "",
                &format!(
                    "The rows of `{}` linked to this row of `{}` through `{}`.",
                    te.table.name, fe.table.name, je.table.name
                ),
            );
            let arg = fe.one.clone();
            fmt::signature(
                o,
                "pub ",
                name,
                &[
                    conn.to_string(),
                    format!("{}: &{}", g_ident(&arg), fe.type_name),
                ],
                &g.ret(&format!("Vec<{}>", te.type_name)),
            );
            let on: Vec<String> = to
                .child_cols
                .iter()
                .zip(&to.parent_cols)
                .map(|(&jc, &tc)| {
                    format!(
                        "j.{} = t.{}",
                        g.q(&je.column(jc).name),
                        g.q(&te.column(tc).name)
                    )
                })
                .collect();
            let binds: Vec<Bind> = from
                .parent_cols
                .iter()
                .map(|&pc| Bind {
                    expr: format!("{}.{}", g_ident(&arg), g.fields[e][pc]),
                    entity: e,
                    col: pc,
                })
                .collect();
            let sql = format!(
                "SELECT {} FROM {} AS t JOIN {} AS j ON {} WHERE {}{}",
                g.select_list(to.parent, Some("t")),
                g.table_sql(to.parent),
                g.table_sql(mm.join),
                on.join(" AND "),
                g.where_sql(mm.join, &from.child_cols, &binds, 1, Some("j")),
                g.order_by(to.parent, Some("t"))
            );
            g.run(o, &sql, &binds, Shape::Many(to.parent));
            o.push_str("}\n\n");
        }
    }
}

fn g_ident(s: &str) -> String {
    pname(&crate::codegen::names::rust_ident(s))
}
