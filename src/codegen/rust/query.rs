//! Statements of the generated functions: quoting, select lists, placeholders with their casts, the
//! bound values, and running a query in the shape the driver wants (one row, many, a count).

use super::crud::local;
use super::fmt::{self, Arg};
use super::types::Backend;
use super::Gen;

/// A value bound to a placeholder: the Rust expression and the column it goes to (for its casts).
pub(super) struct Bind {
    pub expr: String,
    pub entity: usize,
    pub col: usize,
}

/// How many rows a query gives back.
pub(super) enum Shape {
    Opt(usize),
    Many(usize),
    Exec,
}

impl Gen<'_> {
    pub(super) fn q(&self, name: &str) -> String {
        match self.b {
            Backend::Mysql => format!("`{}`", name.replace('`', "``")),
            _ => format!("\"{}\"", name.replace('"', "\"\"")),
        }
    }

    pub(super) fn table_sql(&self, e: usize) -> String {
        let n = &self.m.entities[e].table.name;
        match &n.schema {
            Some(s) => format!("{}.{}", self.q(s), self.q(&n.name)),
            None => self.q(&n.name),
        }
    }

    /// The select list of entity `e`, each column read as its field expects, prefixed with `alias.`.
    pub(super) fn select_list(&self, e: usize, alias: Option<&str>) -> String {
        let ent = &self.m.entities[e];
        ent.table
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let col = match alias {
                    Some(a) => format!("{a}.{}", self.q(&c.name)),
                    None => self.q(&c.name),
                };
                self.types[e][i].read.replace("{}", &col)
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub(super) fn placeholder(&self, n: usize, bind: &Bind, to: (usize, usize)) -> String {
        match self.b {
            Backend::Postgres => {
                let from = &self.types[bind.entity][bind.col];
                let mut cast = from.bind.clone();
                if cast.is_empty() && (bind.entity, bind.col) != to {
                    let (fc, tc) = (
                        self.m.entities[bind.entity].column(bind.col),
                        self.m.entities[to.0].column(to.1),
                    );
                    if fc.ty != tc.ty {
                        cast = format!("::{}", fc.ty);
                    }
                }
                format!("${n}{cast}")
            }
            Backend::Sqlite => format!("?{n}"),
            Backend::Mysql => "?".into(),
        }
    }

    /// The expression bound for a field `base` (`row.status`, `id`) of column `c` of entity `e`.
    pub(super) fn value(&self, e: usize, c: usize, base: &str, key: bool) -> String {
        self.wrap(&self.text_of(e, c, base, key))
    }

    /// An enum field as its text (`row.status.as_str()`), any other field as it is.
    fn text_of(&self, e: usize, c: usize, base: &str, key: bool) -> String {
        let t = &self.types[e][c];
        let nullable = self.m.entities[e].column(c).nullable && !key;
        match (t.is_enum, nullable) {
            (true, true) => format!("{base}.map({}::as_str)", t.ty),
            (true, false) => format!("{base}.as_str()"),
            (false, _) => base.to_string(),
        }
    }

    /// A value as the driver's parameter list takes it.
    fn wrap(&self, v: &str) -> String {
        match self.b {
            Backend::Postgres => format!("&{v}"),
            Backend::Sqlite => v.to_string(),
            Backend::Mysql => format!("{v}.to_value()"),
        }
    }

    /// The bound expression of `b`; an enum's text is first put in a local (`status_text`).
    pub(super) fn bound(&self, o: &mut String, b: &Bind) -> String {
        let key = !b.expr.contains('.');
        if !self.types[b.entity][b.col].is_enum {
            return self.value(b.entity, b.col, &b.expr, key);
        }
        let local = local(b.expr.rsplit('.').next().unwrap_or(&b.expr));
        fmt::let_chain(o, &local, &self.text_of(b.entity, b.col, &b.expr, key));
        self.wrap(&local)
    }

    pub(super) fn conn(&self) -> (&'static str, &'static str) {
        match self.b {
            Backend::Postgres => ("client", "client: &mut Client"),
            Backend::Sqlite => ("conn", "conn: &Connection"),
            Backend::Mysql => ("conn", "conn: &mut Conn"),
        }
    }

    /// Writes the statements running `sql` with `binds` and returning the shape's result.
    pub(super) fn run(&self, o: &mut String, sql: &str, binds: &[Bind], shape: Shape) {
        fmt::let_sql(o, sql);
        let (c, _) = self.conn();
        let vals: Vec<String> = binds.iter().map(|b| self.bound(o, b)).collect();
        let sql_arg = Arg::Plain("sql".into());
        match self.b {
            Backend::Postgres => {
                let params = Arg::Array(None, vals);
                match shape {
                    Shape::Opt(e) => {
                        fmt::call(
                            o,
                            &format!("let row = {c}.query_opt"),
                            &[sql_arg, params],
                            "?;",
                        );
                        let f = format!(".map(|r| {}(&r))", self.from_row[e]);
                        fmt::chain(o, &["row", &f, ".transpose()"]);
                    }
                    Shape::Many(e) => {
                        fmt::call(
                            o,
                            &format!("let rows = {c}.query"),
                            &[sql_arg, params],
                            "?;",
                        );
                        let f = format!(".map({})", self.from_row[e]);
                        fmt::chain(o, &["rows", ".iter()", &f, ".collect()"]);
                    }
                    Shape::Exec => {
                        fmt::call(o, &format!("let n = {c}.execute"), &[sql_arg, params], "?;");
                        o.push_str("    Ok(n == 1)\n");
                    }
                }
            }
            Backend::Sqlite => {
                let params = Arg::Array(Some("params"), vals);
                match shape {
                    Shape::Opt(e) => {
                        fmt::call(
                            o,
                            &format!("let row = {c}.query_row"),
                            &[sql_arg, params, Arg::Plain(self.from_row[e].clone())],
                            ";",
                        );
                        o.push_str("    row.optional()\n");
                    }
                    Shape::Many(e) => {
                        o.push_str(&format!("    let mut stmt = {c}.prepare(sql)?;\n"));
                        fmt::call(
                            o,
                            "let rows = stmt.query_map",
                            &[params, Arg::Plain(self.from_row[e].clone())],
                            "?;",
                        );
                        o.push_str("    rows.collect()\n");
                    }
                    Shape::Exec => {
                        fmt::call(o, &format!("let n = {c}.execute"), &[sql_arg, params], "?;");
                        o.push_str("    Ok(n == 1)\n");
                    }
                }
            }
            Backend::Mysql => {
                let params = if vals.is_empty() {
                    Arg::Plain("()".into())
                } else {
                    Arg::Array(Some("vec"), vals)
                };
                match shape {
                    Shape::Opt(e) => {
                        fmt::call(
                            o,
                            &format!("let row: Option<Row> = {c}.exec_first"),
                            &[sql_arg, params],
                            "?;",
                        );
                        let f = format!(".map({})", self.from_row[e]);
                        fmt::chain(o, &["row", &f, ".transpose()"]);
                    }
                    Shape::Many(e) => {
                        fmt::call(
                            o,
                            &format!("let rows: Vec<Row> = {c}.exec"),
                            &[sql_arg, params],
                            "?;",
                        );
                        let f = format!(".map({})", self.from_row[e]);
                        fmt::chain(o, &["rows", ".into_iter()", &f, ".collect()"]);
                    }
                    Shape::Exec => {
                        fmt::call(o, &format!("{c}.exec_drop"), &[sql_arg, params], "?;");
                        o.push_str(&format!("    Ok({c}.affected_rows() == 1)\n"));
                    }
                }
            }
        }
    }

    pub(super) fn where_sql(
        &self,
        e: usize,
        cols: &[usize],
        binds: &[Bind],
        first: usize,
        alias: Option<&str>,
    ) -> String {
        cols.iter()
            .zip(binds)
            .enumerate()
            .map(|(k, (&c, b))| {
                let name = self.q(&self.m.entities[e].column(c).name);
                let name = match alias {
                    Some(a) => format!("{a}.{name}"),
                    None => name,
                };
                format!("{name} = {}", self.placeholder(first + k, b, (e, c)))
            })
            .collect::<Vec<_>>()
            .join(" AND ")
    }

    pub(super) fn order_by(&self, e: usize, alias: Option<&str>) -> String {
        let ent = &self.m.entities[e];
        if ent.pk.is_empty() {
            return String::new();
        }
        let cols: Vec<String> = ent
            .pk
            .iter()
            .map(|&c| {
                let n = self.q(&ent.column(c).name);
                match alias {
                    Some(a) => format!("{a}.{n}"),
                    None => n,
                }
            })
            .collect();
        format!(" ORDER BY {}", cols.join(", "))
    }

    pub(super) fn ret(&self, t: &str) -> String {
        format!("Result<{t}, Error>")
    }
}
