//! The binary: parse arguments, run a command, map the outcome to an exit code.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use miette::{GraphicalReportHandler, GraphicalTheme};

use sigma_idp_lint::cli::{Cli, ColorChoice, Command};
use sigma_idp_lint::commands;
use sigma_idp_lint::fetch::{Event, Progress};
use sigma_idp_lint::report::Style;
use sigma_idp_lint::snapshot::Kind;

/// Live-fetch progress on stderr: pages, items and retry waits only when stderr is a terminal;
/// notes (something the user must know) always.
struct StderrProgress {
    tty: bool,
}

impl Progress for StderrProgress {
    fn report(&self, source: Kind, event: &Event) {
        let name = source.display_name();
        let line = match event {
            Event::Note(m) => format!("warning: {name}: {m}"),
            _ if !self.tty => return,
            Event::Page {
                endpoint,
                page,
                items,
            } => format!("{name}: {endpoint}: page {page}, {items} items"),
            Event::Waiting {
                endpoint,
                reason,
                wait,
                retry,
            } => format!(
                "{name}: {endpoint}: {reason}, retry {retry} in {:.1}s",
                wait.as_secs_f64()
            ),
            Event::Done { summary } => format!("{name}: done: {summary}"),
        };
        let _ = writeln!(std::io::stderr().lock(), "{line}");
    }
}

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
    let progress = || -> Arc<dyn Progress> {
        Arc::new(StderrProgress {
            tty: std::io::stderr().is_terminal(),
        })
    };
    let result = match &cli.command {
        Command::Check(args) => {
            commands::check_with_progress(args, &cwd, style, &mut stdout, progress())
        }
        Command::Snapshot(args) => commands::snapshot(args, &cwd, &mut stdout, progress()),
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
