//! The navigations of one table's rows: `user_of_booking` (to the row a key references),
//! `bookings_of_user` (the rows referencing it) and, through join tables, `features_of_room`.

use super::crud::pname;
use super::fmt;
use super::query::{Bind, Shape};
use super::Gen;

/// `user_of_booking`, `bookings_of_user` and the many-to-many functions of entity `e`.
pub(super) fn navigations(g: &Gen, o: &mut String, e: usize) {
    let ent = &g.m.entities[e];
    for l in g.m.links.iter().filter(|l| l.child == e) {
        let (p, pe) = (l.parent, &g.m.entities[l.parent]);
        let doc = format!(
            "The row of `{}` this row of `{}` references ({}).",
            pe.table.name,
            ent.table.name,
            l.fk.columns.join(", ")
        );
        let ret = format!("Option<{}>", pe.type_name);
        let binds = start(g, o, e, &l.to_parent, &doc, &ret, &l.child_cols);
        let sql = format!(
            "SELECT {} FROM {} WHERE {}",
            g.select_list(p, None),
            g.table_sql(p),
            g.where_sql(p, &l.parent_cols, &binds, 1, None)
        );
        finish(g, o, &sql, &binds, Shape::Opt(p));
    }
    for l in g.m.links.iter().filter(|l| l.parent == e) {
        let (c, ce) = (l.child, &g.m.entities[l.child]);
        let doc = format!(
            "The rows of `{}` that reference this row of `{}` ({}).",
            ce.table.name,
            ent.table.name,
            l.fk.columns.join(", ")
        );
        let ret = format!("Vec<{}>", ce.type_name);
        let binds = start(g, o, e, &l.to_children, &doc, &ret, &l.parent_cols);
        let sql = format!(
            "SELECT {} FROM {} WHERE {}{}",
            g.select_list(c, None),
            g.table_sql(c),
            g.where_sql(c, &l.child_cols, &binds, 1, None),
            g.order_by(c, None)
        );
        finish(g, o, &sql, &binds, Shape::Many(c));
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
            let te = &g.m.entities[to.parent];
            let je = &g.m.entities[mm.join];
            let doc = format!(
                "The rows of `{}` linked to this row of `{}` through `{}`.",
                te.table.name, ent.table.name, je.table.name
            );
            let ret = format!("Vec<{}>", te.type_name);
            let binds = start(g, o, e, name, &doc, &ret, &from.parent_cols);
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
            let sql = format!(
                "SELECT {} FROM {} AS t JOIN {} AS j ON {} WHERE {}{}",
                g.select_list(to.parent, Some("t")),
                g.table_sql(to.parent),
                g.table_sql(mm.join),
                on.join(" AND "),
                g.where_sql(mm.join, &from.child_cols, &binds, 1, Some("j")),
                g.order_by(to.parent, Some("t"))
            );
            finish(g, o, &sql, &binds, Shape::Many(to.parent));
        }
    }
}

/// The doc line and signature of a navigation from a row of entity `e` (returning `ret`); the
/// row's fields `cols`, bound.
fn start(
    g: &Gen,
    o: &mut String,
    e: usize,
    name: &str,
    doc: &str,
    ret: &str,
    cols: &[usize],
) -> Vec<Bind> {
    let ent = &g.m.entities[e];
    let (_, conn) = g.conn();
    let arg = pname(&crate::codegen::names::rust_ident(&ent.one));
    fmt::doc(o, "", doc);
    let params = [conn.to_string(), format!("{arg}: &{}", ent.type_name)];
    fmt::signature(o, "pub ", name, &params, &g.ret(ret));
    cols.iter()
        .map(|&c| Bind {
            expr: format!("{arg}.{}", g.fields[e][c]),
            entity: e,
            col: c,
        })
        .collect()
}

fn finish(g: &Gen, o: &mut String, sql: &str, binds: &[Bind], shape: Shape) {
    g.run(o, sql, binds, shape);
    o.push_str("}\n\n");
}
