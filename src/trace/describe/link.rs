//! The texts about a lab run's emulated link (`Source::link`), for the terminal header and
//! the Lab view.

use crate::lang::{Lang, Text};
use crate::trace::LinkEmulation;

/// What packet capture shows of a relayed run, for runs with packets.
pub const LINK_PACKETS: Text = Text {
    en: "packets on lo show two fast connections around the relay (client → relay, relay → server); only the relay → server one is on the lab port and captured",
    zh: "lo 上的数据包是中继两侧的两条快速连接（客户端 → 中继，中继 → 服务器）；只有中继 → 服务器那条在实验端口上，会被抓取",
};

/// E.g. `link emulated at the socket: 50 ms each way, 1000 kbit/s, 0.5 % loss as
/// retransmission stalls` (only the conditions that are set).
pub fn link_summary(link: &LinkEmulation, lang: Lang) -> String {
    let delay = (link.delay_us > 0).then(|| millis(link.delay_us));
    let rate = link.rate_kbps;
    let loss = (link.loss_permille > 0).then(|| percent(link.loss_permille));
    let mut parts = Vec::new();
    match lang {
        Lang::En => {
            if let Some(d) = delay {
                parts.push(format!("{d} ms each way"));
            }
            if let Some(r) = rate {
                parts.push(format!("{r} kbit/s"));
            }
            if let Some(l) = loss {
                parts.push(format!("{l} % loss as retransmission stalls"));
            }
            if parts.is_empty() {
                parts.push("no conditions".to_string());
            }
            format!("link emulated at the socket: {}", parts.join(", "))
        }
        Lang::Zh => {
            if let Some(d) = delay {
                parts.push(format!("每个方向延迟 {d} ms"));
            }
            if let Some(r) = rate {
                parts.push(format!("带宽 {r} kbit/s"));
            }
            if let Some(l) = loss {
                parts.push(format!("{l} % 丢包（以重传停顿模拟）"));
            }
            if parts.is_empty() {
                parts.push("无条件".to_string());
            }
            format!("链路在套接字层模拟：{}", parts.join("，"))
        }
    }
}

/// Microseconds as milliseconds, without a fraction when whole.
fn millis(us: u64) -> String {
    if us.is_multiple_of(1000) {
        (us / 1000).to_string()
    } else {
        format!("{:.1}", us as f64 / 1000.0)
    }
}

/// Tenths of a percent as a percentage.
fn percent(permille: u16) -> String {
    if permille.is_multiple_of(10) {
        (permille / 10).to_string()
    } else {
        format!("{:.1}", f64::from(permille) / 10.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_condition_is_named_in_both_languages() {
        let link = LinkEmulation {
            delay_us: 50_000,
            rate_kbps: Some(1000),
            loss_permille: 5,
        };
        assert_eq!(
            link_summary(&link, Lang::En),
            "link emulated at the socket: 50 ms each way, 1000 kbit/s, 0.5 % loss as retransmission stalls"
        );
        assert_eq!(
            link_summary(&link, Lang::Zh),
            "链路在套接字层模拟：每个方向延迟 50 ms，带宽 1000 kbit/s，0.5 % 丢包（以重传停顿模拟）"
        );
        let delay_only = LinkEmulation {
            delay_us: 2_500,
            ..LinkEmulation::default()
        };
        assert_eq!(
            link_summary(&delay_only, Lang::En),
            "link emulated at the socket: 2.5 ms each way"
        );
    }
}
