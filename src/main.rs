//! The binary: parse arguments, run a command, map the outcome to an exit code.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use miette::{GraphicalReportHandler, GraphicalTheme};

use sigma_idp_lint::cli::{Cli, ColorChoice, Command};
use sigma_idp_lint::commands;
use sigma_idp_lint::report::Style;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let color_for = |tty: bool| match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => tty && !no_color,
    };
    let style = Style {
        color: color_for(std::io::stdout().is_terminal()),
        unicode: true,
    };
    let stderr_color = color_for(std::io::stderr().is_terminal());

    let mut stdout = std::io::stdout().lock();
    let cwd = std::env::current_dir().unwrap_or_else(|_| ".".into());
    let result = match &cli.command {
        Command::Check(args) => commands::check(args, &cwd, style, &mut stdout),
        Command::Rules => commands::list_rules(&mut stdout),
        Command::Explain { rule } => commands::explain(rule, &mut stdout),
        Command::Init(args) => commands::init(args, &cwd, &mut stdout),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            let theme = if stderr_color {
                GraphicalTheme::unicode()
            } else {
                GraphicalTheme::unicode_nocolor()
            };
            let mut text = String::new();
            let handler = GraphicalReportHandler::new_themed(theme).with_links(false);
            if handler.render_report(&mut text, &err).is_err() {
                text = format!("error: {err}\n");
            }
            eprint!("{text}");
            ExitCode::from(err.exit_code())
        }
    }
}
