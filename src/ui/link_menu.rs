//! The Lab view's "Link" menu: the emulated link (added one-way delay, bandwidth, loss as
//! retransmission stalls) the lab's own clients go through from the next run on
//! ([`crate::lab::link`]). Changes are pushed as [`Command::SetLink`].

use std::time::Duration;

use crate::lab::link::LinkConditions;
use crate::lang::{Lang, Text};
use crate::trace::describe::link_summary;

use super::command::Command;

const LINK_OFF: Text = Text {
    en: "Link: off",
    zh: "链路：关",
};
const HOVER: Text = Text {
    en: "Emulate a slower link for the lab's own clients, from the next run on: emulated at the socket by a relay in their path (external clients such as a browser are not emulated)",
    zh: "为实验自带的客户端模拟更慢的链路，从下一次运行起生效：由其路径上的中继在套接字层模拟（浏览器等外部客户端不受影响）",
};
const HEADING: Text = Text {
    en: "Link emulated at the socket (next run)",
    zh: "在套接字层模拟的链路（下一次运行）",
};
const DELAY: Text = Text {
    en: "delay each way",
    zh: "单向延迟",
};
const RATE: Text = Text {
    en: "bandwidth (0: no limit)",
    zh: "带宽（0：不限）",
};
const LOSS: Text = Text {
    en: "loss",
    zh: "丢包",
};
const LOSS_NOTE: Text = Text {
    en: "A relay cannot drop TCP segments (both kernels retransmit underneath it): a lost segment holds the stream for about one RTO (at least 200 ms) plus the RTT, chosen by a fixed seed so runs repeat.",
    zh: "中继无法丢弃 TCP 段（两端内核会在其下重传）：一个“丢失”的段会让数据流停顿约一个 RTO（至少 200 ms）加一个 RTT，由固定种子选择，因此每次运行结果相同。",
};
const OFF: Text = Text {
    en: "Off",
    zh: "关闭",
};
const PRESET_DELAY: Text = Text {
    en: "50 ms each way",
    zh: "单向 50 ms",
};
const PRESET_SLOW: Text = Text {
    en: "slow: 100 ms, 1000 kbit/s, 0.5 % loss",
    zh: "慢速：100 ms，1000 kbit/s，0.5 % 丢包",
};

/// The menu's editable values.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct LinkMenu {
    delay_ms: u64,
    rate_kbps: u32,
    loss_pct: f64,
}

impl LinkMenu {
    /// The menu showing `link`.
    pub fn new(link: LinkConditions) -> Self {
        LinkMenu {
            delay_ms: u64::try_from(link.delay.as_millis()).unwrap_or(u64::MAX),
            rate_kbps: link.rate_kbps.unwrap_or(0),
            loss_pct: f64::from(link.loss_permille) / 10.0,
        }
    }

    /// The conditions the menu shows.
    pub fn conditions(&self) -> LinkConditions {
        LinkConditions {
            delay: Duration::from_millis(self.delay_ms),
            rate_kbps: (self.rate_kbps > 0).then_some(self.rate_kbps),
            // The drag value keeps it within 0..=100 %.
            loss_permille: (self.loss_pct.clamp(0.0, 100.0) * 10.0).round() as u16,
        }
    }

    /// The menu button and its popup; a change pushes [`Command::SetLink`].
    pub fn ui(&mut self, ui: &mut egui::Ui, lang: Lang, commands: &mut Vec<Command>) {
        let before = self.conditions();
        let title = if before.is_emulated() {
            button_title(&before, lang)
        } else {
            LINK_OFF.get(lang).to_string()
        };
        ui.menu_button(title, |ui| {
            ui.strong(HEADING.get(lang));
            egui::Grid::new("link-menu").num_columns(2).show(ui, |ui| {
                ui.label(DELAY.get(lang));
                ui.add(
                    egui::DragValue::new(&mut self.delay_ms)
                        .range(0..=10_000)
                        .suffix(" ms"),
                );
                ui.end_row();
                ui.label(RATE.get(lang));
                ui.add(
                    egui::DragValue::new(&mut self.rate_kbps)
                        .range(0..=10_000_000)
                        .speed(10.0)
                        .suffix(" kbit/s"),
                );
                ui.end_row();
                ui.label(LOSS.get(lang));
                ui.add(
                    egui::DragValue::new(&mut self.loss_pct)
                        .range(0.0..=100.0)
                        .speed(0.1)
                        .fixed_decimals(1)
                        .suffix(" %"),
                );
                ui.end_row();
            });
            ui.horizontal(|ui| {
                if ui.button(OFF.get(lang)).clicked() {
                    *self = LinkMenu::default();
                }
                if ui.button(PRESET_DELAY.get(lang)).clicked() {
                    *self = LinkMenu {
                        delay_ms: 50,
                        ..LinkMenu::default()
                    };
                }
                if ui.button(PRESET_SLOW.get(lang)).clicked() {
                    *self = LinkMenu {
                        delay_ms: 100,
                        rate_kbps: 1000,
                        loss_pct: 0.5,
                    };
                }
            });
            ui.add(egui::Label::new(egui::RichText::new(LOSS_NOTE.get(lang)).weak()).wrap());
        })
        .response
        .on_hover_text(if before.is_emulated() {
            format!(
                "{}\n\n{}",
                link_summary(&before.record(), lang),
                HOVER.get(lang)
            )
        } else {
            HOVER.get(lang).to_string()
        });
        let after = self.conditions();
        if after != before {
            commands.push(Command::SetLink(after));
        }
    }
}

/// The menu button's short title, e.g. `Link: 50 ms · 1000 kbit/s · 0.5 % loss`; the whole
/// sentence is on the hover text and beside the run's state.
fn button_title(link: &LinkConditions, lang: Lang) -> String {
    let mut parts = Vec::new();
    if !link.delay.is_zero() {
        parts.push(format!("{} ms", link.delay.as_millis()));
    }
    if let Some(rate) = link.rate_kbps {
        parts.push(format!("{rate} kbit/s"));
    }
    if link.loss_permille > 0 {
        let pct = f64::from(link.loss_permille) / 10.0;
        parts.push(match lang {
            Lang::En => format!("{pct} % loss"),
            Lang::Zh => format!("{pct} % 丢包"),
        });
    }
    match lang {
        Lang::En => format!("Link: {}", parts.join(" · ")),
        Lang::Zh => format!("链路：{}", parts.join(" · ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_menu_round_trips_its_conditions() {
        let link = LinkConditions {
            delay: Duration::from_millis(100),
            rate_kbps: Some(1000),
            loss_permille: 5,
        };
        assert_eq!(LinkMenu::new(link).conditions(), link);
        assert!(!LinkMenu::default().conditions().is_emulated());
        assert_eq!(
            button_title(&link, Lang::En),
            "Link: 100 ms · 1000 kbit/s · 0.5 % loss"
        );
        assert_eq!(
            button_title(&link, Lang::Zh),
            "链路：100 ms · 1000 kbit/s · 0.5 % 丢包"
        );
    }
}
