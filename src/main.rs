//! The `autogen` binary: parse arguments, run, print `autogen: error: {err:#}`, exit 0/1/2.

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr().lock();
    match autogen::cli::main(std::env::args_os(), &mut out, &mut err) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            use std::io::Write;
            let _ = writeln!(err, "autogen: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
