//! sigma-idp-lint: catches drift between Sigma account types and the Okta / Entra ID values that
//! provision them, before provisioning fails.
//!
//! The library does not print: commands and reporters write through the writers they are given.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod assignments;
pub mod baseline;
pub mod catalog;
pub mod cli;
pub mod commands;
pub mod config;
pub mod engine;
pub mod error;
pub mod excerpt;
pub mod fetch;
pub mod matching;
pub mod matrix;
pub mod model;
pub mod report;
pub mod rules;
pub mod snapshot;
pub mod suggest;
pub mod yaml;
