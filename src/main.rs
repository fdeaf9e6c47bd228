//! The `wirelab` binary: the command line and the GUI.

fn main() -> std::process::ExitCode {
    let filter = tracing_subscriber::EnvFilter::try_from_env("WIRELAB_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    match wirelab::cli::main() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        // A reader that went away (`wirelab inspect f.pcap | head`) is not an error.
        Err(error)
            if error
                .downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            std::process::ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("wirelab: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
