//! Passwords are never printed: every URL form, through every error path (unsupported URL, refused
//! connection, bad or indirect env reference, TLS failure), in one table.

use crate::support::{autogen, pg_base_url, project};

const SECRET: &str = "Sup3rSecr3t";

/// URL forms, each carrying `SECRET` as (part of) its password.
fn forms() -> Vec<String> {
    let s = SECRET;
    vec![
        format!("postgres://u:{s}@127.0.0.1:1/db"),
        format!("postgresql://u:{s}@127.0.0.1:1/db"),
        format!("postgres://u:{s}@localhost:1/db?sslmode=disable"),
        format!("postgres://u:p@{s}@127.0.0.1:1/db"),
        format!("postgres://u:{s}@x@127.0.0.1:1/db"),
        format!("postgres://u:{s}%40x@127.0.0.1:1/db"),
        format!("postgres://u:{s}:more@127.0.0.1:1/db"),
        format!("postgres://u:{s}/slash@127.0.0.1:1/db"),
        format!("postgres://u:{s}?q@127.0.0.1:1/db"),
        format!("postgres://u:{s}#h@127.0.0.1:1/db"),
        format!("postgres://:{s}@127.0.0.1:1/db"),
        format!("postgres://u:{s}@[::1]:1/db"),
        format!("postgres://u:{s}@127.0.0.1:1,127.0.0.1:2/db"),
        format!("postgres://u@127.0.0.1:1/db?password={s}"),
        format!("postgres://u@127.0.0.1:1/db?sslmode=disable&password={s}"),
        format!("postgres://u@127.0.0.1:1/db?PASSWORD={s}&x=1"),
        format!("postgres://u@127.0.0.1:1/db?sslpassword={s}"),
        format!("postgres:/u:{s}@127.0.0.1:1/db"),
        format!("postgres:u:{s}@127.0.0.1:1/db"),
        format!("postgres//u:{s}@127.0.0.1:1/db"),
        format!("POSTGRES://u:{s}@127.0.0.1:1/db"),
        format!(" postgres://u:{s}@127.0.0.1:1/db"),
        format!("postgres://u:{s}@127.0.0.1:notaport/db"),
        format!("postgres://u:{s}@"),
        format!("host=127.0.0.1 port=1 user=u password={s} dbname=db"),
        format!("host=127.0.0.1 port=1 password='{s} with space' user=u"),
        format!("host=127.0.0.1 password = {s} port=1"),
        format!("password={s}"),
        format!("mysql://u:{s}@127.0.0.1:1/db"),
        format!("oracle://u:{s}@127.0.0.1:1/db"),
        format!("u:{s}@127.0.0.1:1/db"),
        format!("postgres://u:{s}@127.0.0.1:1/db?application_name=a@b"),
        // Found by a hostile review: a percent-escaped key, and input that is no URL at all.
        format!("postgres://u@127.0.0.1:1/db?passw%6Frd={s}"),
        format!("PGPASSWORD={s}"),
        format!("host=127.0.0.1 password:{s}"),
        format!("u {s}"),
        s.to_string(),
    ]
}

fn assert_hidden(what: &str, url: &str, out: &str) {
    assert!(
        !out.contains(SECRET),
        "{what}: the password of `{url}` was printed:\n{out}"
    );
    assert!(!out.contains("panicked"), "{what}: {out}");
}

fn output(dir: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> String {
    let mut cmd = assert_cmd::Command::cargo_bin("autogen").unwrap();
    cmd.current_dir(dir)
        .env_remove("AUTOGEN_DATABASE_URL")
        .args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let o = cmd.output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{args:?}");
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn passwords_were_printed_in_some_url_forms_and_error_paths() {
    let forms = forms();
    assert!(forms.len() >= 30);
    let p = project("[tables.t]\ncolumns = [{ name = \"id\", type = \"int\" }]\n");
    for url in &forms {
        // Through --url: unsupported, refused or unparsable, on the commands that connect.
        for cmd in [
            &["current", "-v"][..],
            &["check"],
            &["upgrade", "head"],
            &["inspect"],
        ] {
            let mut args = vec!["--url", url.as_str()];
            args.extend_from_slice(cmd);
            assert_hidden(
                &format!("--url {cmd:?}"),
                url,
                &output(p.path(), &args, &[]),
            );
        }
        // Through the environment, directly and as `url = "env:VAR"` in the models.
        assert_hidden(
            "AUTOGEN_DATABASE_URL",
            url,
            &output(p.path(), &["check"], &[("AUTOGEN_DATABASE_URL", url)]),
        );
        let e = project(
            "[database]\nurl = \"env:AUTOGEN_T_URL\"\n[tables.t]\ncolumns = [{ name = \"id\", type = \"int\" }]\n",
        );
        assert_hidden(
            "env: reference",
            url,
            &output(e.path(), &["check"], &[("AUTOGEN_T_URL", url)]),
        );
        // Written into models.toml itself (a TOML basic string: escape what it needs).
        let toml = url.replace('\\', "\\\\").replace('"', "\\\"");
        let m = project(&format!(
            "[database]\nurl = \"{toml}\"\n[tables.t]\ncolumns = [{{ name = \"id\", type = \"int\" }}]\n"
        ));
        assert_hidden("[database] url", url, &output(m.path(), &["current"], &[]));
    }
    // A bad env reference names the variable, never a value.
    let e = project("[database]\nurl = \"env:AUTOGEN_T_NOT_SET\"\n");
    let out = output(e.path(), &["current"], &[]);
    assert!(out.contains("AUTOGEN_T_NOT_SET"), "{out}");
}

#[test]
fn password_was_printed_when_tls_failed() {
    // verify-full against the local server fails the handshake (no TLS, or a certificate no public
    // root signs): the error path through rustls.
    let base = pg_base_url();
    let Some(rest) = base.split_once("://").map(|(_, r)| r.to_string()) else {
        return;
    };
    let host = rest.rsplit('@').next().unwrap_or(&rest);
    let url = format!("postgres://postgres:{SECRET}@{host}?sslmode=verify-full");
    let d = tempfile::tempdir().unwrap();
    let o = autogen(d.path(), &["--url", &url, "current"]);
    let out = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(o.status.code(), Some(2), "{out}");
    assert_hidden("TLS", &url, &out);
    assert!(out.contains("***"), "the URL is shown redacted: {out}");
}
