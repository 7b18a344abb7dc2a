use std::process::ExitCode;

use clap::Parser;

use qingpai::cli::{Cli, Command};
use qingpai::commands::{self, print};
use qingpai::diag::Lang;

/// mimalloc instead of the system allocator: a county build makes and frees
/// millions of small strings and vectors (malloc and free were a sixth of a
/// build with every PDF with glibc's).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let lang = cli.lang;
    let code = match cli.command {
        Command::Build {
            output,
            strict,
            base_url,
            no_pdf,
            no_previews,
        } => commands::build::run(
            &cli.content,
            &commands::build::Args {
                output,
                strict,
                base_url,
                pdf: !no_pdf,
                previews: !no_previews,
            },
            lang,
        ),
        Command::Serve {
            interface,
            port,
            poll,
            no_previews,
            no_pdf,
            allowed_hosts,
        } => qingpai::serve::run(
            &cli.content,
            &qingpai::serve::Options {
                interface,
                port,
                poll,
                previews: !no_previews,
                pdf: !no_pdf,
                lang,
                allowed_hosts,
            },
        ),
        Command::Check { format } => commands::check::run(&cli.content, format, lang),
        Command::New { target, name, kind } => {
            match commands::new::run(&cli.content, &target, &name, kind) {
                Ok(outcome) => {
                    print(&commands::new::message(&outcome, lang));
                    0
                }
                Err((zh, en)) => {
                    eprintln!("error: {}", if lang == Lang::Zh { zh } else { en });
                    2
                }
            }
        }
        Command::Schema { output } => {
            let content = qingpai::load::load(&cli.content);
            let schema = commands::schema::render(&content.standard);
            match output {
                None => {
                    print(&schema);
                    0
                }
                Some(path) => match qingpai::output::write_file(
                    &path,
                    schema.as_bytes(),
                    &cli.content,
                    qingpai::output::InContent::JsonOnly,
                ) {
                    Ok(()) => 0,
                    Err(e) => {
                        eprintln!("error: {}", if lang == Lang::Zh { e.zh } else { e.en });
                        2
                    }
                },
            }
        }
        Command::Stats { format, output } => {
            commands::stats::run(&cli.content, format, output.as_ref(), lang)
        }
        Command::Standard => {
            print(commands::standard::render());
            0
        }
    };
    // A cache file still being written is finished, not cut off.
    qingpai::load::cache::wait_for_writes();
    exit_now(code)
}

/// End the process once what it printed is out. On Linux without the
/// allocator's tidying at exit (mimalloc frees every page of every heap of a
/// finished `check`: milliseconds for nothing, the kernel takes the memory
/// back anyway); elsewhere as usual.
fn exit_now(code: u8) -> ExitCode {
    use std::io::Write;
    let flushed = std::io::stdout().flush().is_ok();
    let _ = std::io::stderr().flush();
    #[cfg(target_os = "linux")]
    if flushed {
        // SAFETY: _exit ends the process at once; every file this program
        // wrote is closed, and standard output was flushed just above.
        unsafe { libc::_exit(i32::from(code)) };
    }
    let _ = flushed;
    ExitCode::from(code)
}
