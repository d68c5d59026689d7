//! Column types → SQLAlchemy types and the Python types of `Mapped[...]`: the type that renders the
//! same DDL autogen renders (SQLite keeps declared types, so there the SQL-standard UPPERCASE types),
//! `SqlType("…")` for what SQLAlchemy has no type for.

use super::py_str;
use crate::schema::{Column, QName, Schema};

/// (Python type, SQLAlchemy type expression).
pub fn column_type(
    dialect: &str,
    s: &Schema,
    c: &Column,
    enum_class: &dyn Fn(&str) -> Option<(String, QName)>,
) -> (String, String) {
    let (py, sa) = match dialect {
        "postgresql" => pg(s, &c.ty, enum_class),
        "mysql" => mysql(c),
        _ => sqlite(c.sql_type()),
    };
    match &c.collation {
        // A collation SQLAlchemy's string types take; others are written into the type.
        // A collation in another schema (`app.ci`) is written into the type too.
        Some(coll)
            if !coll.contains('.')
                && [
                    "sa.String(",
                    "sa.Text(",
                    "sa.VARCHAR(",
                    "sa.TEXT(",
                    "sa.CHAR(",
                ]
                .iter()
                .any(|p| sa.starts_with(p)) =>
        {
            let open = sa.find('(').unwrap_or(sa.len() - 1);
            let args = &sa[open + 1..sa.len() - 1];
            let sep = if args.is_empty() { "" } else { ", " };
            (
                py,
                format!(
                    "{}({args}{sep}collation={})",
                    &sa[..open],
                    py_str(coll.trim_matches('"'))
                ),
            )
        }
        Some(coll) => (py, raw(&format!("{} COLLATE {coll}", c.sql_type()))),
        None => (py, sa),
    }
}

fn raw(ddl: &str) -> String {
    format!("SqlType({})", py_str(ddl))
}

/// `name(args)` → (name, args).
fn split(ty: &str) -> (&str, Option<&str>) {
    match (ty.find('('), ty.rfind(')')) {
        (Some(o), Some(c)) if c > o && c == ty.len() - 1 => (ty[..o].trim(), Some(&ty[o + 1..c])),
        _ => (ty, None),
    }
}

fn pg(
    s: &Schema,
    ty: &str,
    enum_class: &dyn Fn(&str) -> Option<(String, QName)>,
) -> (String, String) {
    if let Some(elem) = ty.strip_suffix("[]") {
        if elem.ends_with("[]") {
            return ("list".into(), raw(ty));
        }
        let (py, sa) = pg(s, elem, enum_class);
        if sa.starts_with("SqlType(") || sa.starts_with("pg.ENUM(") {
            return ("list".into(), raw(ty));
        }
        return (format!("List[{py}]"), format!("pg.ARRAY({sa})"));
    }
    if let Some((class, name)) = enum_class(ty) {
        let schema = match &name.schema {
            Some(sc) => format!(", schema={}", py_str(sc)),
            None => String::new(),
        };
        return (
            class.clone(),
            format!(
                "pg.ENUM({class}, name={}{schema}, create_type=False, values_callable=enum_values)",
                py_str(&name.name)
            ),
        );
    }
    let (name, args) = split(ty);
    let t = |py: &str, sa: &str| (py.to_string(), sa.to_string());
    match (name, args) {
        ("smallint", None) => t("int", "sa.SmallInteger()"),
        ("integer", None) => t("int", "sa.Integer()"),
        ("bigint", None) => t("int", "sa.BigInteger()"),
        ("real", None) => t("float", "sa.REAL()"),
        ("double precision", None) => t("float", "sa.DOUBLE_PRECISION()"),
        ("numeric", None) => t("decimal.Decimal", "sa.Numeric()"),
        ("numeric", Some(a)) => match a.split_once(',') {
            Some((p, sc)) => ("decimal.Decimal".into(), format!("sa.Numeric({p}, {sc})")),
            None => ("decimal.Decimal".into(), format!("sa.Numeric({a})")),
        },
        ("boolean", None) => t("bool", "sa.Boolean()"),
        ("text", None) => t("str", "sa.Text()"),
        ("character varying", None) => t("str", "sa.String()"),
        ("character varying", Some(n)) => ("str".into(), format!("sa.String({n})")),
        ("character", Some(n)) => ("str".into(), format!("sa.CHAR({n})")),
        ("bytea", None) => t("bytes", "pg.BYTEA()"),
        ("date", None) => t("datetime.date", "sa.Date()"),
        ("timestamp without time zone", None) => t("datetime.datetime", "sa.DateTime()"),
        ("timestamp with time zone", None) => t("datetime.datetime", "sa.DateTime(timezone=True)"),
        ("timestamp without time zone", Some(p)) | ("timestamp", Some(p)) => (
            "datetime.datetime".into(),
            format!("pg.TIMESTAMP(precision={p})"),
        ),
        ("time without time zone", None) => t("datetime.time", "sa.Time()"),
        ("time with time zone", None) => t("datetime.time", "sa.Time(timezone=True)"),
        ("interval", None) => t("datetime.timedelta", "pg.INTERVAL()"),
        ("uuid", None) => t("uuid.UUID", "sa.Uuid()"),
        ("json", None) => t("Any", "pg.JSON()"),
        ("jsonb", None) => t("Any", "pg.JSONB()"),
        ("inet", None) => t("str", "pg.INET()"),
        ("cidr", None) => t("str", "pg.CIDR()"),
        ("macaddr", None) => t("str", "pg.MACADDR()"),
        ("tsvector", None) => t("str", "pg.TSVECTOR()"),
        ("money", None) => t("str", "pg.MONEY()"),
        _ => {
            // A domain reads as its base type.
            let key = QName::parse(&ty.replace('"', ""));
            let py = match s.domains.get(&key) {
                Some(d) if !d.ty.contains(&key.name) => pg(s, &d.ty, enum_class).0,
                _ => "Any".into(),
            };
            (py, raw(ty))
        }
    }
}

/// SQLite keeps the declared type: the UPPERCASE type whose DDL is that name, else the name as written.
fn sqlite(decl: &str) -> (String, String) {
    let lower = decl.trim().to_ascii_lowercase();
    let (name, args) = split(&lower);
    let py = |p: &str| p.to_string();
    let (p, sa): (String, Option<String>) = match (name, args) {
        ("numeric" | "decimal", _) if !lower.contains(", ") && lower.contains(',') => {
            (py("float"), None)
        }
        ("integer", None) => (py("int"), Some("sa.INTEGER()".into())),
        ("bigint", None) => (py("int"), Some("sa.BIGINT()".into())),
        ("smallint", None) => (py("int"), Some("sa.SMALLINT()".into())),
        ("text", None) => (py("str"), Some("sa.TEXT()".into())),
        ("varchar", None) => (py("str"), Some("sa.VARCHAR()".into())),
        ("varchar", Some(n)) => (py("str"), Some(format!("sa.VARCHAR({n})"))),
        ("nvarchar", Some(n)) => (py("str"), Some(format!("sa.NVARCHAR({n})"))),
        ("char", Some(n)) => (py("str"), Some(format!("sa.CHAR({n})"))),
        ("nchar", Some(n)) => (py("str"), Some(format!("sa.NCHAR({n})"))),
        ("clob", None) => (py("str"), Some("sa.CLOB()".into())),
        ("boolean", None) => (py("bool"), Some("sa.BOOLEAN()".into())),
        ("timestamp", None) => (py("datetime.datetime"), Some("sa.TIMESTAMP()".into())),
        ("datetime", None) => (py("datetime.datetime"), Some("sa.DATETIME()".into())),
        ("date", None) => (py("datetime.date"), Some("sa.DATE()".into())),
        ("time", None) => (py("datetime.time"), Some("sa.TIME()".into())),
        ("real", None) => (py("float"), Some("sa.REAL()".into())),
        ("float", None) => (py("float"), Some("sa.FLOAT()".into())),
        ("double", None) => (py("float"), Some("sa.DOUBLE()".into())),
        ("double precision", None) => (py("float"), Some("sa.DOUBLE_PRECISION()".into())),
        ("numeric", None) => (py("decimal.Decimal"), Some("sa.NUMERIC()".into())),
        ("numeric", Some(a)) => (
            py("decimal.Decimal"),
            Some(format!("sa.NUMERIC({})", a.replace(',', ", "))),
        ),
        ("decimal", Some(a)) => (
            py("decimal.Decimal"),
            Some(format!("sa.DECIMAL({})", a.replace(',', ", "))),
        ),
        ("blob", None) => (py("bytes"), Some("sa.BLOB()".into())),
        ("json", None) => (py("Any"), Some("sa.JSON()".into())),
        _ => (affinity(&lower), None),
    };
    // SQLite keeps the declared text: a type whose DDL SQLAlchemy spells otherwise
    // (`NUMERIC(10, 2)` for `numeric(10,2)`) is written as declared, read as its affinity gives.
    match sa {
        Some(sa) if sa_ddl(&sa).eq_ignore_ascii_case(decl.trim()) => (p, sa),
        _ => (affinity(&lower), raw(decl.trim())),
    }
}

/// The DDL SQLAlchemy writes for one of the UPPERCASE types above on SQLite.
fn sa_ddl(sa: &str) -> String {
    let name = sa.trim_start_matches("sa.");
    let name = name.strip_suffix("()").unwrap_or(name);
    name.replace('_', " ")
}

/// The Python type of SQLite's affinity for a declared type it has no name for.
fn affinity(t: &str) -> String {
    if t.is_empty() {
        "Any"
    } else if t.contains("int") {
        "int"
    } else if t.contains("char") || t.contains("clob") || t.contains("text") {
        "str"
    } else if t.contains("blob") {
        "bytes"
    } else if ["real", "floa", "doub", "numeric", "decimal"]
        .iter()
        .any(|w| t.contains(w))
    {
        "float"
    } else {
        "Any"
    }
    .into()
}

/// MySQL: integer types as SQLAlchemy's MySQL integers (so `AUTO_INCREMENT` is written), the rest as
/// the models write it; `INVISIBLE` and an `ON UPDATE` without a default ride on the type.
fn mysql(c: &Column) -> (String, String) {
    let ty = c.ty.as_str();
    let base = ty.split(['(', ' ']).next().unwrap_or(ty);
    let mut ddl = ty.to_string();
    if c.on_update.is_some() && c.default.is_none() {
        if let Some(u) = &c.on_update {
            ddl.push_str(&format!(" ON UPDATE {}", u.sql));
        }
    }
    if c.invisible {
        ddl.push_str(" INVISIBLE");
    }
    let ints = [
        ("tinyint", "TINYINT"),
        ("smallint", "SMALLINT"),
        ("mediumint", "MEDIUMINT"),
        ("int", "INTEGER"),
        ("bigint", "BIGINT"),
    ];
    let plain_int = ddl == ty && !ty.contains('(') && !ty.contains("zerofill");
    if let Some((_, class)) = ints.iter().find(|(n, _)| *n == base).filter(|_| plain_int) {
        let unsigned = if ty.ends_with(" unsigned") {
            "unsigned=True"
        } else {
            ""
        };
        return ("int".into(), format!("mysql.{class}({unsigned})"));
    }
    let py = match base {
        "tinyint" if ty.starts_with("tinyint(1)") => "bool",
        "tinyint" | "smallint" | "mediumint" | "int" | "bigint" | "year" => "int",
        "float" | "double" => "float",
        "decimal" => "decimal.Decimal",
        "date" => "datetime.date",
        "datetime" | "timestamp" => "datetime.datetime",
        "time" => "datetime.timedelta",
        "binary" | "varbinary" | "tinyblob" | "blob" | "mediumblob" | "longblob" | "bit" => "bytes",
        "json" => "Any",
        "char" | "varchar" | "tinytext" | "text" | "mediumtext" | "longtext" | "enum" | "set" => {
            "str"
        }
        _ => "Any",
    };
    (py.into(), raw(&ddl))
}
