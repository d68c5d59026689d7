//! What an ER diagram shows of a view: its output columns (from the query, or as the database
//! reported them) and the tables and views it reads.

use sqlparser::ast::{Expr, SelectItem, SetExpr, Statement};
use sqlparser::dialect::GenericDialect;
use sqlparser::parser::Parser;

use crate::schema::{QName, Schema, View};

/// The view's column names: as the database reported them, else as its query names them (`*` for
/// a star); empty when the query cannot be read.
pub fn columns(v: &View) -> Vec<String> {
    if !v.names.is_empty() {
        return v.names.clone();
    }
    if !v.columns.is_empty() {
        return v.columns.iter().map(|(n, _)| n.clone()).collect();
    }
    let Ok(stmts) = Parser::parse_sql(&GenericDialect {}, &v.sql.sql) else {
        return vec![];
    };
    let Some(Statement::Query(q)) = stmts.first() else {
        return vec![];
    };
    let SetExpr::Select(s) = q.body.as_ref() else {
        return vec![];
    };
    s.projection
        .iter()
        .map(|item| match item {
            SelectItem::ExprWithAlias { alias, .. } => alias.value.clone(),
            SelectItem::UnnamedExpr(Expr::Identifier(i)) => i.value.clone(),
            SelectItem::UnnamedExpr(Expr::CompoundIdentifier(p)) => {
                p.last().map(|i| i.value.clone()).unwrap_or_default()
            }
            SelectItem::UnnamedExpr(Expr::Function(f)) => f.name.to_string().to_lowercase(),
            SelectItem::UnnamedExpr(e) => e.to_string(),
            _ => "*".to_string(),
        })
        .collect()
}

/// The tables and views of `s` the view's query names (by name, as a word of the query). Where
/// several schemas have a relation of that name, the one whose schema the query names too, else the
/// one in the default schema.
pub fn reads(s: &Schema, v: &View) -> Vec<QName> {
    let words: std::collections::BTreeSet<String> =
        crate::sql::words(&v.sql.sql).into_iter().collect();
    let said = |w: &str| words.contains(w) || words.contains(&w.to_lowercase());
    let named: Vec<&QName> = s
        .tables
        .keys()
        .chain(s.views.keys())
        .filter(|n| **n != v.name)
        .filter(|n| said(&n.name))
        .collect();
    let mut out = vec![];
    for n in &named {
        let namesakes: Vec<&&QName> = named.iter().filter(|m| m.name == n.name).collect();
        let keep = if namesakes.len() == 1 {
            true
        } else if namesakes
            .iter()
            .any(|m| m.schema.as_deref().is_some_and(said))
        {
            n.schema.as_deref().is_some_and(said)
        } else {
            n.schema.is_none()
        };
        if keep {
            out.push((*n).clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Table;

    #[test]
    fn view_reading_one_of_two_namesakes_was_drawn_reading_both() {
        let mut s = Schema::default();
        for n in ["orders", "archive.orders", "archive.items"] {
            let t = Table::new(QName::parse(n));
            s.tables.insert(t.name.clone(), t);
        }
        let plain = View::new(QName::parse("v"), "SELECT * FROM orders");
        assert_eq!(reads(&s, &plain), [QName::parse("orders")]);
        let other = View::new(
            QName::parse("w"),
            "SELECT * FROM archive.orders JOIN archive.items USING (id)",
        );
        let mut got = reads(&s, &other);
        got.sort();
        assert_eq!(
            got,
            [
                QName::parse("archive.items"),
                QName::parse("archive.orders")
            ]
        );
    }
}
