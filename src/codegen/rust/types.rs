//! Column types → Rust types, per driver: what a field holds, and the casts the SQL needs around
//! values the driver cannot read or bind natively (those travel as text).

use crate::schema::{Column, QName, Schema};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
    Mysql,
}

/// How one column travels between the database and its field.
#[derive(Clone, Debug, PartialEq)]
pub struct RType {
    /// The field's type without `Option` (`i64`, `String`, `BookingStatus`).
    pub ty: String,
    /// An enum of the generated module: bound with `as_str()`.
    pub is_enum: bool,
    /// What the select list wraps the column in: `{}::text` (PostgreSQL), `CAST({} AS CHAR)` (MySQL),
    /// `{}` when read as it is.
    pub read: String,
    /// Appended to a placeholder: `::text::timestamp`; empty when bound as it is.
    pub bind: String,
}

impl RType {
    fn native(ty: &str) -> RType {
        RType {
            ty: ty.into(),
            is_enum: false,
            read: "{}".into(),
            bind: String::new(),
        }
    }
    /// The type a key parameter is passed as: `&str` for text, by value for the rest that is `Copy`.
    pub fn param(&self) -> String {
        match self.ty.as_str() {
            "String" => "&str".into(),
            "Vec<u8>" => "&[u8]".into(),
            t if t.starts_with("Vec<") || t == "Value" => format!("&{t}"),
            t => t.to_string(),
        }
    }
}

/// The Rust type of `c` in the table `table`; `enum_name` names the generated enum of a PostgreSQL
/// enum type or a MySQL inline `enum(…)`.
pub fn rust_type(
    b: Backend,
    s: &Schema,
    c: &Column,
    enum_name: &dyn Fn(&str) -> Option<String>,
) -> RType {
    match b {
        Backend::Postgres => pg(s, &c.ty, enum_name, 0),
        Backend::Sqlite => sqlite(c.sql_type()),
        Backend::Mysql => mysql(&c.ty, enum_name),
    }
}

fn text_pg(sql_ty: &str) -> RType {
    RType {
        ty: "String".into(),
        is_enum: false,
        read: "{}::text".into(),
        bind: format!("::text::{sql_ty}"),
    }
}

fn pg_native(t: &str) -> Option<&'static str> {
    Some(match t {
        "smallint" => "i16",
        "integer" => "i32",
        "bigint" => "i64",
        "real" => "f32",
        "double precision" => "f64",
        "boolean" => "bool",
        "text" | "bpchar" | "name" | "citext" => "String",
        "bytea" => "Vec<u8>",
        "\"char\"" => "i8",
        "oid" => "u32",
        _ if t.starts_with("character varying") || t.starts_with("character(") => "String",
        _ => return None,
    })
}

fn pg(s: &Schema, ty: &str, enum_name: &dyn Fn(&str) -> Option<String>, depth: u8) -> RType {
    if let Some(elem) = ty.strip_suffix("[]") {
        if let Some(r) = pg_native(elem) {
            return RType::native(&format!("Vec<Option<{r}>>"));
        }
        return text_pg(ty);
    }
    if let Some(r) = pg_native(ty) {
        return RType::native(r);
    }
    if let Some(name) = enum_name(ty) {
        return RType {
            ty: name,
            is_enum: true,
            read: "{}::text".into(),
            bind: format!("::text::{ty}"),
        };
    }
    let key = QName::parse(&ty.replace('"', ""));
    if let Some(d) = s.domains.get(&key).filter(|_| depth < 8) {
        let base = pg(s, &d.ty, enum_name, depth + 1);
        if base.read == "{}" {
            // Read as the base type; bound as it, then assigned to the domain.
            return RType {
                bind: format!("::{}", d.ty),
                ..base
            };
        }
        return RType {
            bind: format!("::text::{ty}"),
            ..base
        };
    }
    text_pg(ty)
}

/// SQLite: the declared type's affinity, as SQLite decides it, with the names people use for
/// booleans, times and JSON kept as the values they hold.
fn sqlite(decl: &str) -> RType {
    let t = decl.to_ascii_lowercase();
    let has = |w: &str| t.contains(w);
    let ty = if t.trim().is_empty() {
        "Value"
    } else if has("bool") {
        "bool"
    } else if has("int") {
        "i64"
    } else if has("char") || has("clob") || has("text") {
        "String"
    } else if has("blob") {
        "Vec<u8>"
    } else if has("real") || has("floa") || has("doub") || has("numeric") || has("decimal") {
        "f64"
    } else if ["date", "time", "json", "uuid"].iter().any(|w| has(w)) {
        // NUMERIC affinity: SQLite keeps `'2024'` or `'123'` as a number; read back as text.
        return RType {
            read: "CAST({} AS TEXT)".into(),
            ..RType::native("String")
        };
    } else {
        "Value"
    };
    RType::native(ty)
}

fn mysql(ty: &str, enum_name: &dyn Fn(&str) -> Option<String>) -> RType {
    let unsigned = ty.contains(" unsigned");
    let base = ty.split(['(', ' ']).next().unwrap_or(ty);
    let int = |s: &str, u: &str| {
        if unsigned {
            u.to_string()
        } else {
            s.to_string()
        }
    };
    let text_read = RType {
        ty: "String".into(),
        is_enum: false,
        read: "CAST({} AS CHAR)".into(),
        bind: String::new(),
    };
    let native = |t: String| RType::native(&t);
    match base {
        "tinyint" if ty.starts_with("tinyint(1)") => native("bool".into()),
        "tinyint" => native(int("i8", "u8")),
        "smallint" => native(int("i16", "u16")),
        "mediumint" | "int" => native(int("i32", "u32")),
        "bigint" => native(int("i64", "u64")),
        "year" => native("u16".into()),
        "float" => native("f32".into()),
        "double" => native("f64".into()),
        "enum" => match enum_name(ty) {
            Some(name) => RType {
                ty: name,
                is_enum: true,
                read: "{}".into(),
                bind: String::new(),
            },
            None => native("String".into()),
        },
        "date" | "datetime" | "timestamp" | "time" => text_read,
        "binary" | "varbinary" | "tinyblob" | "blob" | "mediumblob" | "longblob" | "bit"
        | "geometry" | "point" | "linestring" | "polygon" | "multipoint" | "multilinestring"
        | "multipolygon" | "geometrycollection" => native("Vec<u8>".into()),
        _ => native("String".into()),
    }
}
