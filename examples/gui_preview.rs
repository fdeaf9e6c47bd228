//! Opens the wirelab window, optionally showing the hand-built sample trace
//! (`cargo run --example gui_preview -- [--sample] [--scenario NAME]`) — for looking at the GUI under Xvfb.

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let sample = args.iter().any(|a| a == "--sample");
    let mut options = wirelab::ui::GuiOptions::default();
    options.scenario = args
        .iter()
        .position(|a| a == "--scenario")
        .and_then(|i| args.get(i + 1).cloned());
    options.lab.pace_ms = 150;
    if sample {
        let path = std::env::temp_dir().join(format!("wirelab-sample-{}.json", std::process::id()));
        std::fs::write(&path, wirelab::ui::sample::demo_trace().to_json())?;
        options.open = Some(path);
    }
    wirelab::ui::run_gui(options)
}
