//! ER diagrams of a schema: Mermaid `erDiagram` (renders on GitHub), Graphviz dot, SVG through `dot`;
//! views are entities marked as views, with dotted lines to what they read.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::error::Error;
use crate::schema::{Schema, Table};

fn ident(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn is_unique_single(t: &Table, cols: &[String]) -> bool {
    t.primary_key.as_ref().is_some_and(|p| p.columns == cols)
        || t.uniques.iter().any(|u| u.columns == cols)
}

/// Mermaid `erDiagram`: entities with typed columns (PK/FK/UK), one line per foreign key with its cardinality.
pub fn mermaid(s: &Schema) -> String {
    let mut out = String::from("erDiagram\n");
    for t in s.tables.values() {
        out.push_str(&format!("    {} {{\n", ident(&t.name.to_string())));
        for c in &t.columns {
            let mut keys = vec![];
            if t.primary_key
                .as_ref()
                .is_some_and(|p| p.columns.contains(&c.name))
            {
                keys.push("PK");
            }
            if t.foreign_keys.iter().any(|f| f.columns.contains(&c.name)) {
                keys.push("FK");
            }
            if t.uniques.iter().any(|u| u.columns == [c.name.clone()]) {
                keys.push("UK");
            }
            // Mermaid attribute types may hold letters, digits, _ - ( ) [ ].
            let ty: String = c
                .sql_type()
                .chars()
                .map(|ch| {
                    if ch.is_ascii_alphanumeric() || "_-()[]".contains(ch) {
                        ch
                    } else {
                        '_'
                    }
                })
                .collect();
            let null = if c.nullable { " \"nullable\"" } else { "" };
            let keys = if keys.is_empty() {
                String::new()
            } else {
                format!(" {}", keys.join(", "))
            };
            out.push_str(&format!("        {ty} {}{keys}{null}\n", ident(&c.name)));
        }
        out.push_str("    }\n");
    }
    // Views: entities named as views, a dotted line to each table or view they read.
    for v in s.views.values() {
        let kind = if v.materialized {
            "materialized_view"
        } else {
            "view"
        };
        out.push_str(&format!(
            "    {}[\"{} ({})\"] {{\n",
            ident(&v.name.to_string()),
            v.name,
            kind.replace('_', " ")
        ));
        for c in crate::diagram_views::columns(v) {
            out.push_str(&format!("        {kind} {}\n", ident(&c)));
        }
        out.push_str("    }\n");
    }
    for v in s.views.values() {
        for r in crate::diagram_views::reads(s, v) {
            out.push_str(&format!(
                "    {} ||..o{{ {} : \"read by\"\n",
                ident(&r.to_string()),
                ident(&v.name.to_string())
            ));
        }
    }
    for t in s.tables.values() {
        for f in &t.foreign_keys {
            // Parent side: exactly one (or zero or one when the FK is nullable); child side: many, or one if unique.
            let nullable = f
                .columns
                .iter()
                .any(|c| t.column(c).is_some_and(|c| c.nullable));
            let parent = if nullable { "|o" } else { "||" };
            let child = if is_unique_single(t, &f.columns) {
                "o|"
            } else {
                "o{"
            };
            out.push_str(&format!(
                "    {} {parent}--{child} {} : \"{}\"\n",
                ident(&f.ref_table.to_string()),
                ident(&t.name.to_string()),
                f.columns.join(", ")
            ));
        }
    }
    out
}

/// Graphviz dot with record-like HTML tables.
pub fn dot(s: &Schema) -> String {
    let mut out = String::from("digraph schema {\n  rankdir=LR;\n  node [shape=plain, fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n");
    let esc = |x: &str| {
        x.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    for t in s.tables.values() {
        let name = t.name.to_string();
        out.push_str(&format!("  \"{}\" [label=<<table border=\"0\" cellborder=\"1\" cellspacing=\"0\">\n    <tr><td bgcolor=\"#dde8f5\" colspan=\"2\"><b>{}</b></td></tr>\n", esc(&name), esc(&name)));
        for c in &t.columns {
            let pk = t
                .primary_key
                .as_ref()
                .is_some_and(|p| p.columns.contains(&c.name));
            let fk = t.foreign_keys.iter().any(|f| f.columns.contains(&c.name));
            let mark = match (pk, fk) {
                (true, true) => "PK FK ",
                (true, false) => "PK ",
                (false, true) => "FK ",
                _ => "",
            };
            let null = if c.nullable { "?" } else { "" };
            out.push_str(&format!("    <tr><td align=\"left\" port=\"{}\">{mark}{}</td><td align=\"left\">{}{null}</td></tr>\n", esc(&c.name), esc(&c.name), esc(&c.ty)));
        }
        out.push_str("  </table>>];\n");
    }
    for v in s.views.values() {
        let name = v.name.to_string();
        let kind = if v.materialized {
            "materialized view"
        } else {
            "view"
        };
        out.push_str(&format!("  \"{}\" [label=<<table border=\"0\" cellborder=\"1\" cellspacing=\"0\" style=\"dashed\">\n    <tr><td bgcolor=\"#f3ead7\"><i>{kind}</i> <b>{}</b></td></tr>\n", esc(&name), esc(&name)));
        for c in crate::diagram_views::columns(v) {
            out.push_str(&format!(
                "    <tr><td align=\"left\">{}</td></tr>\n",
                esc(&c)
            ));
        }
        out.push_str("  </table>>];\n");
        for r in crate::diagram_views::reads(s, v) {
            out.push_str(&format!(
                "  \"{}\" -> \"{}\" [style=dashed, label=\"reads\"];\n",
                esc(&name),
                esc(&r.to_string())
            ));
        }
    }
    for t in s.tables.values() {
        for f in &t.foreign_keys {
            let many = if is_unique_single(t, &f.columns) {
                "1"
            } else {
                "*"
            };
            out.push_str(&format!(
                "  \"{}\":\"{}\" -> \"{}\":\"{}\" [label=\"{many}:1\", arrowhead=none, arrowtail=crow, dir=back];\n",
                t.name,
                f.columns[0],
                f.ref_table,
                f.ref_columns.first().cloned().unwrap_or_default()
            ));
        }
    }
    out.push_str("}\n");
    out
}

pub fn render(s: &Schema, format: &str) -> Result<String, Error> {
    match format {
        "mermaid" => Ok(mermaid(s)),
        "dot" => Ok(dot(s)),
        "svg" => svg(&dot(s)),
        other => Err(Error::Usage(format!(
            "unknown diagram format `{other}`: use mermaid, dot or svg"
        ))),
    }
}

fn svg(dot_text: &str) -> Result<String, Error> {
    let child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = child.map_err(|_| {
        Error::Usage("--format svg needs Graphviz `dot`, which is not installed\nhint: install Graphviz (apt-get install graphviz, brew install graphviz), or use --format mermaid / --format dot".into())
    })?;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(dot_text.as_bytes())
        .map_err(|e| Error::Usage(format!("dot: {e}")))?;
    let o = child
        .wait_with_output()
        .map_err(|e| Error::Usage(format!("dot: {e}")))?;
    if !o.status.success() {
        return Err(Error::Usage(format!(
            "dot failed: {}",
            String::from_utf8_lossy(&o.stderr)
        )));
    }
    Ok(String::from_utf8_lossy(&o.stdout).into_owned())
}
