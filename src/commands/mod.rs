//! The commands. Each writes its output through the writer it is given and returns the process
//! exit code; errors are returned, not printed.

pub mod check;
pub mod init;
pub mod rules;
pub mod snapshot;

pub use check::{check, check_with_progress};
pub use init::init;
pub use rules::{explain, list_rules};
pub use snapshot::snapshot;
