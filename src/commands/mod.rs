//! The commands. Each writes its output through the writer it is given and returns the process
//! exit code; errors are returned, not printed.

pub mod check;
pub mod init;
pub mod rules;

pub use check::check;
pub use init::init;
pub use rules::{explain, list_rules};
