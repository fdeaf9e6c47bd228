//! The texts of the compare run's timing events: when the event source created an event, and
//! a lab client's read. In both languages (the classroom issue moves every text behind the
//! language switch; until `summary` takes a language, it asks for English).

use super::format_bytes;
use crate::lang::Lang;

/// `source_event`: event `id` of `bytes` was created, observed at the event source.
pub fn source_event(id: u64, bytes: u64, lang: Lang) -> String {
    let size = format_bytes(bytes);
    match lang {
        Lang::En => format!("event {id} created ({size}), observed at the event source"),
        Lang::Zh => format!("事件 {id} 已创建（{size}），在事件源处观察到"),
    }
}

/// `client_read`: a lab client's read returned, `total` bytes read from the connection so far.
pub fn client_read(total: u64, lang: Lang) -> String {
    let size = format_bytes(total);
    match lang {
        Lang::En => format!(
            "the client's read returned: {size} read so far, observed at the client's socket"
        ),
        Lang::Zh => format!("客户端的读取返回：此连接至今共读到 {size}，在客户端套接字处观察到"),
    }
}
