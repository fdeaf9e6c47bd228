//! `--svg`, `--png` and `--png-scale` of `wirelab run` and `wirelab inspect`: the diagram
//! written as the GUI's Export… writes it (the whole run, or one connection with `--conn`), in
//! the window's default theme and the chosen language, without a window.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use clap::Args;

use crate::analysis::connections::{ConnIndex, SubTrace};
use crate::export::{self, DiagramSpec};
use crate::lang::Lang;
use crate::trace::Trace;

/// The width of an exported diagram (px at 1×): a slide's width at 2×.
const EXPORT_WIDTH: f32 = 1280.0;

/// The export options.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Write the sequence diagram as SVG (vector, selectable text) to this file.
    #[arg(long, value_name = "OUT.svg")]
    pub svg: Option<PathBuf>,
    /// Write the sequence diagram as PNG to this file.
    #[arg(long, value_name = "OUT.png")]
    pub png: Option<PathBuf>,
    /// Pixels per point of the PNG: 1, or 2 for a projector.
    #[arg(long, value_name = "SCALE", default_value_t = 1.0, value_parser = parse_scale)]
    pub png_scale: f32,
}

fn parse_scale(text: &str) -> Result<f32, String> {
    match text.parse::<f32>() {
        Ok(s) if s.is_finite() && (0.25..=8.0).contains(&s) => Ok(s),
        _ => Err(format!(
            "{text:?} is not a scale from 0.25 to 8 (e.g. 1 or 2)"
        )),
    }
}

impl ExportArgs {
    /// Whether any export was asked for.
    pub fn any(&self) -> bool {
        self.svg.is_some() || self.png.is_some()
    }
}

/// Only connection `conn` of `trace` (its events, connection and streams).
pub fn one_connection(trace: &Trace, conn: u32) -> anyhow::Result<Trace> {
    let mut index = ConnIndex::default();
    index.update(trace);
    let Some(summary) = index.get(conn) else {
        let ids: Vec<String> = trace.connections.iter().map(|c| c.id.to_string()).collect();
        bail!(
            "there is no connection {conn} (the file has {}: {})",
            trace.connections.len(),
            if ids.is_empty() {
                "none".to_string()
            } else {
                ids.join(", ")
            }
        );
    };
    Ok(SubTrace::new(trace, conn, &summary.event_indices).trace)
}

/// Writes the exports `args` asks for of `trace`'s diagram, saying each on stderr.
pub fn write_exports(trace: &Trace, args: &ExportArgs, lang: Lang) -> anyhow::Result<()> {
    if !args.any() {
        return Ok(());
    }
    if trace.events.is_empty() {
        return Err(export::ExportError::Empty.into());
    }
    let palette = crate::ui::export::palette(&egui::Context::default());
    let scene = export::scene(trace, &DiagramSpec::whole_run(EXPORT_WIDTH, lang));
    let svg = export::svg::write_svg(&scene, &palette, lang);
    if let Some(path) = &args.svg {
        write(path, svg.as_bytes())?;
        super::live::say_written(super::live::wrote::DIAGRAM, path, lang);
    }
    if let Some(path) = &args.png {
        let png = export::png::render_png(&svg, args.png_scale)
            .with_context(|| format!("drawing {}", path.display()))?;
        write(path, &png)?;
        match lang {
            Lang::En => eprintln!(
                "diagram written to {} ({}×)",
                path.display(),
                args.png_scale
            ),
            Lang::Zh => eprintln!("时序图已写入 {}（{}×）", path.display(), args.png_scale),
        }
    }
    Ok(())
}

fn write(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
}
