//! Opens the wirelab window, optionally showing the hand-built sample trace, a capture file or
//! a trace, or preselecting a scenario
//! (`cargo run --example gui_preview -- [--sample | --open FILE] [--scenario NAME]`) — for
//! looking at the GUI under Xvfb. A file opens in the File view.

#[path = "../tests/support/sample.rs"]
mod sample;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let open = if args.iter().any(|a| a == "--sample") {
        let path = std::env::temp_dir().join(format!("wirelab-sample-{}.json", std::process::id()));
        std::fs::write(&path, sample::demo_trace().to_json())?;
        Some(path)
    } else {
        args.iter()
            .position(|a| a == "--open")
            .and_then(|i| args.get(i + 1))
            .map(std::path::PathBuf::from)
    };
    let scenario = args
        .iter()
        .position(|a| a == "--scenario")
        .and_then(|i| args.get(i + 1).cloned());
    wirelab::ui::run_gui(wirelab::ui::GuiOptions {
        lang: wirelab::lang::Lang::En,
        // Paced so a person can watch the diagram fill in.
        lab: wirelab::lab::LabConfig {
            pace_ms: 150,
            ..wirelab::lab::LabConfig::default()
        },
        open,
        scenario,
        presenter: args.iter().any(|a| a == "--presenter"),
        file_dialog: wirelab::ui::file_dialog::DialogKind::best_available(),
        lesson: args
            .iter()
            .position(|a| a == "--lesson")
            .and_then(|i| args.get(i + 1).cloned()),
    })
}
