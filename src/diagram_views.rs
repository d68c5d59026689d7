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

/// The tables and views of `s` the view's query names (by name, as a word of the query).
pub fn reads(s: &Schema, v: &View) -> Vec<QName> {
    let words: std::collections::BTreeSet<String> =
        crate::sql::words(&v.sql.sql).into_iter().collect();
    s.tables
        .keys()
        .chain(s.views.keys())
        .filter(|n| **n != v.name)
        .filter(|n| words.contains(&n.name) || words.contains(&n.name.to_lowercase()))
        .cloned()
        .collect()
}
