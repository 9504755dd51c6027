//! The `pixdrop` binary: parses the command line, loads `Config`, and runs
//! either a one-shot CLI command or the service. User errors exit with
//! status 2 and one line on stderr.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use pixdrop_bots::cli;
use pixdrop_bots::config::Config;

#[derive(Debug, Parser)]
#[command(
    name = "pixdrop",
    version,
    about = "Privacy-first image conversion: in memory only, gone within the hour."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the service (bots that have tokens, web, API). The default.
    Serve,
    /// Convert one image.
    Convert(Box<cli::ConvertArgs>),
    /// Describe an image: format, size, frames, metadata.
    Info {
        /// Input file, or `-` for standard input.
        input: std::path::PathBuf,
    },
    /// List the formats pixdrop reads and writes.
    Formats,
    /// Say what this configuration means for the privacy promise; exits 1
    /// when a promise would be broken.
    Check,
    /// Manage API keys (in the database named by DATABASE_URL).
    #[command(subcommand)]
    Keys(pixdrop_bots::keys_cli::KeysCommand),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) if !error.use_stderr() => {
            let _ = error.print();
            return ExitCode::SUCCESS;
        }
        Err(error) => return fail(first_line(&error.to_string())),
    };
    let serving = matches!(cli.command, None | Some(Command::Serve));
    init_logging(serving);
    let config = match Config::load() {
        Ok(config) => config,
        Err(error) => return fail(&error.to_string()),
    };
    let result = match cli.command {
        None | Some(Command::Serve) => serve(config),
        Some(Command::Convert(args)) => cli::convert(&args, &config.limits, &config.presets),
        Some(Command::Info { input }) => {
            cli::info(&input, &config.limits).map(|text| print!("{text}"))
        }
        Some(Command::Formats) => {
            print!("{}", cli::formats());
            Ok(())
        }
        Some(Command::Check) => return check(&config),
        Some(Command::Keys(command)) => {
            pixdrop_bots::keys_cli::run(&command, &config).map(|text| print!("{text}"))
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => fail(&error.to_string()),
    }
}

fn fail(line: &str) -> ExitCode {
    eprintln!("pixdrop: {line}");
    ExitCode::from(2)
}

fn first_line(text: &str) -> &str {
    text.lines()
        .next()
        .unwrap_or(text)
        .trim_start_matches("error: ")
}

/// Logs go to stderr. One-shot commands stay silent unless RUST_LOG asks,
/// so that an error is exactly one line.
fn init_logging(serving: bool) {
    let default = if serving { "info" } else { "off" };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    std::panic::set_hook(Box::new(|panic| {
        tracing::error!("panic: {panic}");
    }));
}

fn check(config: &Config) -> ExitCode {
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => return fail(&error.to_string()),
    };
    let (text, holds) = runtime.block_on(pixdrop_bots::check::report(config));
    print!("{text}");
    if holds {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn serve(config: Config) -> Result<(), cli::CliError> {
    let runtime = tokio::runtime::Runtime::new().map_err(|e| cli::CliError::Io(e.to_string()))?;
    runtime
        .block_on(pixdrop_bots::service::run(config))
        .map_err(cli::CliError::Io)
}
