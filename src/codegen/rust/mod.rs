//! `codegen --lang rust`: one module of row structs, insert structs, enums and typed functions over
//! the `postgres`, `rusqlite` or `mysql` crate, laid out as rustfmt would.

mod crud;
mod fmt;
mod nav;
mod query;
pub mod types;

use std::collections::BTreeMap;

use super::model::{Entity, Model};
use super::names::{camel, rust_ident, table_words, words, Unique};
use crate::schema::{Column, QName, Schema};
use types::{rust_type, Backend, RType};

/// Types every generated module may name: a table is never given one of these.
pub const RESERVED_TYPES: &[&str] = &[
    "Client",
    "Connection",
    "Conn",
    "Error",
    "Row",
    "Value",
    "ToSql",
    "FromSql",
    "Type",
    "Option",
    "Result",
    "String",
    "Vec",
    "Box",
    "UnknownValue",
    "Self",
];

/// One generated enum: its Rust name and its values with their variant names.
struct REnum {
    name: String,
    values: Vec<(String, String)>,
    doc: String,
}

/// Everything one module is written from.
pub struct Gen<'a> {
    b: Backend,
    m: &'a Model<'a>,
    /// Per entity, per column: how it travels.
    types: Vec<Vec<RType>>,
    /// Per entity, per column: the escaped field name.
    fields: Vec<Vec<String>>,
    new_names: Vec<String>,
    /// Per entity: `booking_from_row`.
    from_row: Vec<String>,
    enums: Vec<REnum>,
}

pub fn generate(s: &Schema, dialect: &str, m: &Model) -> String {
    let b = match dialect {
        "postgresql" => Backend::Postgres,
        "mysql" => Backend::Mysql,
        _ => Backend::Sqlite,
    };
    let mut tnames = Unique::with_separator(RESERVED_TYPES, "");
    for e in &m.entities {
        tnames.reserve(&e.type_name);
    }
    let mut enums: Vec<REnum> = vec![];
    let mut by_type: BTreeMap<String, String> = BTreeMap::new();
    if b == Backend::Postgres {
        for en in s.enums.values() {
            let name = tnames.take(camel(&table_words(
                en.name.schema.as_deref(),
                &en.name.name,
            )));
            by_type.insert(pg_type_key(&en.name), name.clone());
            enums.push(REnum {
                name,
                values: variants(&en.values),
                doc: format!("The values of the enum `{}`.", en.name),
            });
        }
    }
    let mut types = vec![];
    let mut fields = vec![];
    for e in &m.entities {
        let mut row = vec![];
        for (i, c) in e.table.columns.iter().enumerate() {
            let inline = b == Backend::Mysql && c.ty.starts_with("enum(");
            let lookup = |ty: &str| -> Option<String> {
                if inline {
                    return None;
                }
                by_type.get(&ty.replace('"', "")).cloned()
            };
            let mut rt = rust_type(b, s, c, &lookup);
            if inline {
                let mut ws = words(&e.type_name);
                ws.extend(words(&e.fields[i]));
                let name = tnames.take(camel(&ws));
                enums.push(REnum {
                    name: name.clone(),
                    values: variants(&mysql_enum_values(&c.ty)),
                    doc: format!("The values of `{}.{}`.", e.table.name, c.name),
                });
                rt.ty = name;
                rt.is_enum = true;
            }
            row.push(rt);
        }
        types.push(row);
        fields.push(e.fields.iter().map(|f| rust_ident(f)).collect());
    }
    let new_names = m
        .entities
        .iter()
        .map(|e| tnames.take(format!("New{}", e.type_name)))
        .collect();
    // The module's own helpers are never a table's function (a table `sql` has `insert_sql_2`).
    let mut fns = Unique::new(&["insert_sql", "take", "gone", "parse", "parse_opt"]);
    for l in &m.links {
        fns.reserve(&l.to_parent);
        fns.reserve(&l.to_children);
    }
    for mm in &m.many_to_many {
        fns.reserve(&mm.lefts_rights);
        fns.reserve(&mm.rights_lefts);
    }
    let from_row = m
        .entities
        .iter()
        .map(|e| fns.take(format!("{}_from_row", e.one)))
        .collect();
    let g = Gen {
        b,
        m,
        types,
        fields,
        new_names,
        from_row,
        enums,
    };
    g.module(&mut fns)
}

fn pg_type_key(q: &QName) -> String {
    q.to_string()
}

/// Variant names for enum values: CamelCase, unique, `V…` where the value has no letters to start with.
fn variants(values: &[String]) -> Vec<(String, String)> {
    let mut u = Unique::with_separator(&["Self"], "");
    values
        .iter()
        .map(|v| {
            let mut name = camel(&words(v));
            if name.starts_with('T') && !v.starts_with(['t', 'T']) {
                name.replace_range(..1, "V");
            }
            (u.take(name), v.clone())
        })
        .collect()
}

/// The values of a MySQL `enum('a','b''c')` type.
fn mysql_enum_values(ty: &str) -> Vec<String> {
    let inner = ty
        .trim_start_matches("enum(")
        .trim_end_matches(')')
        .to_string();
    let mut out = vec![];
    let mut cur = String::new();
    let mut chars = inner.chars().peekable();
    let mut open = false;
    while let Some(c) = chars.next() {
        match (open, c) {
            (false, '\'') => open = true,
            (true, '\'') if chars.peek() == Some(&'\'') => {
                chars.next();
                cur.push('\'');
            }
            (true, '\'') => {
                open = false;
                out.push(std::mem::take(&mut cur));
            }
            (true, '\\') => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            (true, c) => cur.push(c),
            _ => {}
        }
    }
    out
}

impl Gen<'_> {
    fn module(&self, fns: &mut Unique) -> String {
        let mut o = String::new();
        let (krate, need) = match self.b {
            Backend::Postgres => ("postgres", r#"postgres = "0.19""#),
            Backend::Sqlite => (
                "rusqlite",
                r#"rusqlite = { version = "0.43", features = ["bundled"] }"#,
            ),
            Backend::Mysql => ("mysql", r#"mysql = "28""#),
        };
        o.push_str("//! Typed access to the tables of models.toml: generated by `autogen codegen --lang rust`, do not\n");
        o.push_str("//! edit (run it again after changing the models; `--check` tells when this file is stale).\n");
        o.push_str(&format!(
            "//! One struct per table, a `New…` struct to insert one, and functions over the `{krate}` crate.\n"
        ));
        o.push_str(&format!("//! needs: {need}\n\n"));
        o.push_str(&self.uses());
        o.push_str(&self.helpers());
        for en in &self.enums {
            self.enum_items(&mut o, en);
        }
        for (i, e) in self.m.entities.iter().enumerate() {
            self.entity(&mut o, i, e);
            crud::functions(self, &mut o, i, fns);
        }
        while o.ends_with("\n\n") {
            o.pop();
        }
        o
    }

    fn uses_value(&self) -> bool {
        self.types.iter().flatten().any(|t| t.ty.contains("Value"))
    }

    fn uses(&self) -> String {
        match self.b {
            Backend::Postgres => {
                let mut s = String::new();
                if self.enums.is_empty() {
                    s.push_str("use postgres::types::ToSql;\n");
                } else {
                    s.push_str("use postgres::types::{FromSql, ToSql, Type};\n");
                }
                s.push_str("use postgres::{Client, Error, Row};\n\n");
                s
            }
            Backend::Sqlite => {
                let mut s = String::new();
                if self.uses_value() {
                    s.push_str("use rusqlite::types::Value;\n");
                }
                s.push_str("use rusqlite::{params, Connection, Error, OptionalExtension, Row, ToSql};\n\n");
                s
            }
            Backend::Mysql => {
                "use mysql::prelude::{FromValue, Queryable, ToValue};\nuse mysql::{Conn, Error, Row, Value};\n\n"
                    .into()
            }
        }
    }

    fn helpers(&self) -> String {
        let mut s = String::new();
        if !self.enums.is_empty() {
            s.push_str(
                r#"/// A value the database holds that the generated enum does not know (the models changed since?).
#[derive(Debug, Clone, PartialEq)]
pub struct UnknownValue(pub String);

impl std::fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown enum value {:?}", self.0)
    }
}

impl std::error::Error for UnknownValue {}

"#,
            );
        }
        match self.b {
            Backend::Postgres => s.push_str(
                r#"/// `INSERT … RETURNING` of the columns given (name, cast after the placeholder); the others get
/// their defaults.
fn insert_sql(table: &str, columns: &[(&str, &str)], returning: &str) -> String {
    if columns.is_empty() {
        return format!("INSERT INTO {table} DEFAULT VALUES RETURNING {returning}");
    }
    let names: Vec<&str> = columns.iter().map(|c| c.0).collect();
    let values: Vec<String> = (1..=columns.len())
        .map(|i| format!("${i}{}", columns[i - 1].1))
        .collect();
    format!(
        "INSERT INTO {table} ({}) VALUES ({}) RETURNING {returning}",
        names.join(", "),
        values.join(", ")
    )
}

"#,
            ),
            Backend::Sqlite => s.push_str(
                r#"/// `INSERT … RETURNING` of the columns given; the others get their defaults.
fn insert_sql(table: &str, columns: &[&str], returning: &str) -> String {
    if columns.is_empty() {
        return format!("INSERT INTO {table} DEFAULT VALUES RETURNING {returning}");
    }
    let values: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
    format!(
        "INSERT INTO {table} ({}) VALUES ({}) RETURNING {returning}",
        columns.join(", "),
        values.join(", ")
    )
}

"#,
            ),
            Backend::Mysql => s.push_str(
                r#"/// `INSERT` of the columns given; the others get their defaults.
fn insert_sql(table: &str, columns: &[&str]) -> String {
    let values: Vec<&str> = columns.iter().map(|_| "?").collect();
    format!(
        "INSERT INTO {table} ({}) VALUES ({})",
        columns.join(", "),
        values.join(", ")
    )
}

/// The error of an insert whose row cannot be read back.
fn gone() -> Error {
    Error::from(std::io::Error::other("the inserted row is gone"))
}

/// Column `i` of `row`, converted.
fn take<T: FromValue>(row: &Row, i: usize) -> Result<T, Error> {
    match row.get_opt::<T, usize>(i) {
        Some(Ok(v)) => Ok(v),
        Some(Err(e)) => Err(Error::FromValueError(e.0)),
        None => Err(Error::FromRowError(row.clone())),
    }
}

"#,
            ),
        }
        if self.b == Backend::Mysql && !self.enums.is_empty() {
            s.push_str(
                r#"/// An enum read from its text.
fn parse<T: std::str::FromStr<Err = UnknownValue>>(s: String) -> Result<T, Error> {
    match s.parse() {
        Ok(v) => Ok(v),
        Err(UnknownValue(s)) => Err(Error::FromValueError(Value::from(s))),
    }
}

"#,
            );
            if self.nullable_enums() {
                s.push_str(
                    r#"fn parse_opt<T: std::str::FromStr<Err = UnknownValue>>(
    s: Option<String>,
) -> Result<Option<T>, Error> {
    s.map(parse).transpose()
}

"#,
                );
            }
        }
        s
    }

    fn nullable_enums(&self) -> bool {
        self.m.entities.iter().enumerate().any(|(e, ent)| {
            (0..ent.table.columns.len()).any(|c| self.types[e][c].is_enum && ent.column(c).nullable)
        })
    }

    fn enum_items(&self, o: &mut String, en: &REnum) {
        let n = &en.name;
        fmt::doc(o, "", &en.doc);
        o.push_str("#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]\n");
        o.push_str(&format!("pub enum {n} {{\n"));
        for (v, _) in &en.values {
            o.push_str(&format!("    {v},\n"));
        }
        o.push_str("}\n\n");
        o.push_str(&format!("impl {n} {{\n"));
        let items: Vec<String> = en.values.iter().map(|(v, _)| format!("{n}::{v}")).collect();
        let head = format!("    pub const ALL: [{n}; {}] = [", items.len());
        let flat = format!("{head}{}];", items.join(", "));
        let next = format!("        [{}];", items.join(", "));
        if items.join(", ").len() <= 60 && flat.len() <= 100 {
            o.push_str(&format!("{flat}\n\n"));
        } else if items.join(", ").len() <= 60 && next.len() <= 100 {
            o.push_str(&format!("{}\n{next}\n\n", head.trim_end_matches(" [")));
        } else {
            o.push_str(&format!("{head}\n"));
            for i in &items {
                o.push_str(&format!("        {i},\n"));
            }
            o.push_str("    ];\n\n");
        }
        o.push_str("    pub fn as_str(self) -> &'static str {\n        match self {\n");
        for (v, s) in &en.values {
            let arm = format!("            {n}::{v} => {},", fmt::lit(s));
            if arm.len() <= 100 {
                o.push_str(&format!("{arm}\n"));
            } else {
                o.push_str(&format!(
                    "            {n}::{v} => {{\n                {}\n            }}\n",
                    fmt::lit(s)
                ));
            }
        }
        o.push_str("        }\n    }\n}\n\n");
        o.push_str(&format!(
            "impl std::fmt::Display for {n} {{\n    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {{\n        f.write_str(self.as_str())\n    }}\n}}\n\n"
        ));
        o.push_str(&format!(
            "impl std::str::FromStr for {n} {{\n    type Err = UnknownValue;\n\n    fn from_str(s: &str) -> Result<Self, UnknownValue> {{\n        match s {{\n"
        ));
        for (v, s) in &en.values {
            let arm = format!("            {} => Ok({n}::{v}),", fmt::lit(s));
            if arm.len() <= 100 {
                o.push_str(&format!("{arm}\n"));
            } else {
                o.push_str(&format!(
                    "            {} => {{\n                Ok({n}::{v})\n            }}\n",
                    fmt::lit(s)
                ));
            }
        }
        o.push_str("            _ => Err(UnknownValue(s.to_string())),\n        }\n    }\n}\n\n");
        match self.b {
            Backend::Postgres => o.push_str(&format!(
                "impl<'a> FromSql<'a> for {n} {{\n    fn from_sql(\n        ty: &Type,\n        raw: &'a [u8],\n    ) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {{\n        Ok(<&str as FromSql>::from_sql(ty, raw)?.parse()?)\n    }}\n\n    fn accepts(ty: &Type) -> bool {{\n        <&str as FromSql>::accepts(ty)\n    }}\n}}\n\n"
            )),
            Backend::Sqlite | Backend::Mysql => {}
        }
    }

    fn field_type(&self, e: usize, c: usize) -> String {
        let t = &self.types[e][c].ty;
        if self.m.entities[e].column(c).nullable {
            format!("Option<{t}>")
        } else {
            t.clone()
        }
    }

    fn entity(&self, o: &mut String, i: usize, e: &Entity) {
        let t = e.table;
        let what = match &t.comment {
            Some(c) => c.clone(),
            None => format!("A row of `{}`.", t.name),
        };
        fmt::doc(o, "", &what);
        o.push_str("#[derive(Debug, Clone, PartialEq)]\n");
        o.push_str(&format!("pub struct {} {{\n", e.type_name));
        for (ci, c) in t.columns.iter().enumerate() {
            if let Some(cm) = &c.comment {
                fmt::doc(o, "    ", cm);
            }
            field_line(o, &self.fields[i][ci], &self.field_type(i, ci));
        }
        o.push_str("}\n\n");
        fmt::doc(
            o,
            "",
            &format!(
                "A row to insert into `{}`: the database fills the columns left out, and a `None` where\nthe column has a default.",
                t.name
            ),
        );
        o.push_str("#[derive(Debug, Clone, PartialEq)]\n");
        let cols = self.insert_columns(i);
        if cols.is_empty() {
            o.push_str(&format!("pub struct {};\n\n", self.new_names[i]));
        } else {
            o.push_str(&format!("pub struct {} {{\n", self.new_names[i]));
            for ci in cols {
                field_line(o, &self.fields[i][ci], &self.new_type(i, ci));
            }
            o.push_str("}\n\n");
        }
    }

    /// The columns a `New…` struct has: not those the database always fills (identity,
    /// auto-increment, generated).
    fn insert_columns(&self, e: usize) -> Vec<usize> {
        let ent = &self.m.entities[e];
        (0..ent.table.columns.len())
            .filter(|&c| !filled(ent, ent.column(c)))
            .collect()
    }

    /// `Option<T>` when the column has a default (`None` = the default), `Option<Option<T>>` when it
    /// is also nullable.
    fn new_type(&self, e: usize, c: usize) -> String {
        let col = self.m.entities[e].column(c);
        let ft = self.field_type(e, c);
        if defaulted(self.b, &self.m.entities[e], col) {
            format!("Option<{ft}>")
        } else {
            ft
        }
    }
}

/// `    pub name: Type,`, the type on the next line where the line would be too long.
fn field_line(o: &mut String, name: &str, ty: &str) {
    let one = format!("    pub {name}: {ty},");
    if one.len() <= 100 {
        o.push_str(&format!("{one}\n"));
    } else {
        o.push_str(&format!("    pub {name}:\n        {ty},\n"));
    }
}

/// Whether the database fills the column whatever the insert says.
fn filled(e: &Entity, c: &Column) -> bool {
    let autoinc = e.table.options.iter().any(|o| o == "autoincrement")
        && e.pk.len() == 1
        && e.column(e.pk[0]).name == c.name;
    c.identity.is_some() || c.auto_increment || c.generated.is_some() || autoinc
}

/// Whether leaving the column out of an insert gives it a value other than NULL: a default, or
/// SQLite's rowid.
fn defaulted(b: Backend, e: &Entity, c: &Column) -> bool {
    let rowid = b == Backend::Sqlite
        && e.pk.len() == 1
        && e.column(e.pk[0]).name == c.name
        && c.sql_type().eq_ignore_ascii_case("integer")
        && !e.table.options.iter().any(|o| o == "without rowid");
    // MySQL reads an inserted row back by its key: a key column the database fills from a default
    // (not AUTO_INCREMENT) must be given, or the row could not be found again.
    if b == Backend::Mysql
        && mysql_read_back_key(e)
            .iter()
            .any(|&k| e.column(k).name == c.name)
    {
        return false;
    }
    c.default.is_some() || rowid
}

/// The key MySQL's generated insert reads its row back by: the primary key, else the first unique one.
pub(super) fn mysql_read_back_key(e: &Entity) -> Vec<usize> {
    if e.pk.is_empty() {
        e.uniques.first().cloned().unwrap_or_default()
    } else {
        e.pk.clone()
    }
}
