//! The few shapes of Rust the generator writes, laid out as `rustfmt` (default settings) lays them
//! out: signatures, calls with a parameter array, string literals.

const MAX: usize = 100;
const CALL_WIDTH: usize = 60;
const ARRAY_WIDTH: usize = 60;

/// Characters rustc refuses in source text (bidi controls) or that need an escape (controls).
fn unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A string literal: plain when it needs no escapes, else raw with as many `#` as it needs (escaped
/// when it holds characters a raw string cannot).
pub fn lit(s: &str) -> String {
    if s.chars().any(unsafe_char) {
        let mut out = String::from("\"");
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c if unsafe_char(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
                c => out.push(c),
            }
        }
        out.push('"');
        return out;
    }
    if !s.contains('"') && !s.contains('\\') {
        return format!("\"{s}\"");
    }
    let mut n = 1;
    while s.contains(&format!("\"{}", "#".repeat(n))) {
        n += 1;
    }
    let h = "#".repeat(n);
    format!("r{h}\"{s}\"{h}")
}

/// `pub fn name(params) -> ret {`, the parameters one per line when the line would be too long.
pub fn signature(out: &mut String, vis: &str, name: &str, params: &[String], ret: &str) {
    let one = format!("{vis}fn {name}({}) -> {ret} {{", params.join(", "));
    if one.chars().count() <= MAX {
        out.push_str(&one);
        out.push('\n');
        return;
    }
    out.push_str(&format!("{vis}fn {name}(\n"));
    for p in params {
        out.push_str(&format!("    {p},\n"));
    }
    out.push_str(&format!(") -> {ret} {{\n"));
}

/// `let sql = "…";` in a function body, moved to the next line where only that makes it fit.
pub fn let_sql(out: &mut String, sql: &str) {
    let l = lit(sql);
    let one = format!("    let sql = {l};");
    if one.chars().count() > MAX && 8 + l.chars().count() < MAX {
        out.push_str(&format!("    let sql =\n        {l};\n"));
    } else {
        out.push_str(&one);
        out.push('\n');
    }
}

/// An argument of a call: plain text, or an array `&[a, b]`.
pub enum Arg {
    Plain(String),
    /// `&[a, b]`, or with a name the macro call `name![a, b]`.
    Array(Option<&'static str>, Vec<String>),
}

impl Arg {
    fn open(&self) -> String {
        match self {
            Arg::Array(Some(m), _) => format!("{m}!["),
            _ => "&[".into(),
        }
    }
    fn flat(&self) -> String {
        match self {
            Arg::Plain(s) => s.clone(),
            Arg::Array(_, items) => format!("{}{}]", self.open(), items.join(", ")),
        }
    }
    /// rustfmt ends a vertical array or `vec!` with a comma, other macros not.
    fn trailing(&self) -> &'static str {
        match self {
            Arg::Array(Some(m), _) if *m != "vec" => "",
            _ => ",",
        }
    }
}

/// `{head}(args){tail}` at 4 spaces of indent: on one line when the arguments fit, else one argument
/// per line (an array argument flat when it fits, else one item per line).
pub fn call(out: &mut String, head: &str, args: &[Arg], tail: &str) {
    let flat: Vec<String> = args.iter().map(Arg::flat).collect();
    let joined = flat.join(", ");
    let one = format!("    {head}({joined}){tail}");
    let fits = joined.chars().count() <= CALL_WIDTH;
    // A `let` on one line stops two columns short of the limit (rustfmt 1.9, measured).
    let max = if head.starts_with("let ") {
        MAX - 2
    } else {
        MAX
    };
    if fits && one.chars().count() <= max {
        out.push_str(&one);
        out.push('\n');
        return;
    }
    // `let x = f(…)` that fits on the next line goes there rather than being split.
    if let Some((lhs, rhs)) = head.split_once(" = ").filter(|_| head.starts_with("let ")) {
        let next = format!("        {rhs}({joined}){tail}");
        if fits && next.chars().count() <= MAX {
            out.push_str(&format!("    {lhs} =\n{next}\n"));
            return;
        }
    }
    out.push_str(&format!("    {head}(\n"));
    for a in args {
        match a {
            Arg::Array(name, items) => {
                let f = a.flat();
                let inner = items.join(", ");
                // rustfmt: within the array width flat; all items short (its
                // `short_array_element_width_threshold`, 10) packed several to a line — a macro
                // other than `vec!` flat first if the line takes it; else one item per line.
                let short = items.iter().all(|i| i.chars().count() <= 10);
                let other_macro = matches!(name, Some(m) if *m != "vec");
                let flat = inner.chars().count() <= ARRAY_WIDTH
                    || items.len() == 1
                    || (other_macro && short);
                if flat && 8 + f.chars().count() < MAX {
                    out.push_str(&format!("        {f},\n"));
                } else if short {
                    out.push_str(&format!("        {}\n", a.open()));
                    let mut line = String::new();
                    for (k, i) in items.iter().enumerate() {
                        let comma = if k + 1 < items.len() {
                            ","
                        } else {
                            a.trailing()
                        };
                        let piece = format!("{i}{comma}");
                        if !line.is_empty()
                            && 12 + line.chars().count() + 1 + piece.chars().count() > MAX
                        {
                            out.push_str(&format!("            {line}\n"));
                            line.clear();
                        }
                        if !line.is_empty() {
                            line.push(' ');
                        }
                        line.push_str(&piece);
                    }
                    out.push_str(&format!("            {line}\n"));
                    out.push_str("        ],\n");
                } else {
                    out.push_str(&format!("        {}\n", a.open()));
                    let n = items.len();
                    for (k, i) in items.iter().enumerate() {
                        let comma = if k + 1 < n { "," } else { a.trailing() };
                        out.push_str(&format!("            {i}{comma}\n"));
                    }
                    out.push_str("        ],\n");
                }
            }
            Arg::Plain(s) => out.push_str(&format!("        {s},\n")),
        }
    }
    if tail.starts_with('.') {
        out.push_str(&format!("    )\n    {tail}\n"));
    } else {
        out.push_str(&format!("    ){tail}\n"));
    }
}

/// `///` lines of a comment from the models.
pub fn doc(out: &mut String, indent: &str, text: &str) {
    let text: String = text
        .chars()
        .map(|c| if c != '\n' && unsafe_char(c) { ' ' } else { c })
        .collect();
    for l in text.lines() {
        let l = l.trim_end();
        if l.is_empty() {
            out.push_str(&format!("{indent}///\n"));
        } else {
            out.push_str(&format!("{indent}/// {l}\n"));
        }
    }
}

/// A method chain as the last expression of a body (`rows.iter().map(f).collect()`): on one line
/// when it fits rustfmt's chain width, else one call per line (a short root keeps its first call).
pub fn chain(out: &mut String, parts: &[&str]) {
    let one = parts.concat();
    if one.chars().count() <= CALL_WIDTH && 4 + one.chars().count() <= MAX {
        out.push_str(&format!("    {one}\n"));
        return;
    }
    let (first, rest) = if parts[0].len() <= 4 && parts.len() > 1 {
        (format!("{}{}", parts[0], parts[1]), &parts[2..])
    } else {
        (parts[0].to_string(), &parts[1..])
    };
    out.push_str(&format!("    {first}\n"));
    for p in rest {
        out.push_str(&format!("        {p}\n"));
    }
}

/// `let name = a.b.c(…);` split before each `.` when the chain is wider than rustfmt's chain width.
pub fn let_chain(out: &mut String, name: &str, chain: &str) {
    let one = format!("    let {name} = {chain};");
    if chain.chars().count() <= CALL_WIDTH && one.chars().count() <= MAX {
        out.push_str(&one);
        out.push('\n');
        return;
    }
    if chain.chars().count() <= CALL_WIDTH && 8 + chain.chars().count() < MAX {
        out.push_str(&format!("    let {name} =\n        {chain};\n"));
        return;
    }
    let mut parts = chain.split('.');
    out.push_str(&format!(
        "    let {name} = {}\n",
        parts.next().unwrap_or("")
    ));
    let rest: Vec<&str> = parts.collect();
    // `T::as_str` holds no `.`; `.map(|v| v.map(…))` is kept whole after its first `.`.
    let mut joined: Vec<String> = vec![];
    let mut depth = 0i32;
    for p in rest {
        if depth > 0 {
            if let Some(last) = joined.last_mut() {
                last.push('.');
                last.push_str(p);
            }
        } else {
            joined.push(p.to_string());
        }
        depth += p.matches('(').count() as i32 - p.matches(')').count() as i32;
    }
    let n = joined.len();
    for (i, p) in joined.iter().enumerate() {
        let end = if i + 1 == n { ";" } else { "" };
        out.push_str(&format!("        .{p}{end}\n"));
    }
}
