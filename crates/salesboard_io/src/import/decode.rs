//! Text encodings of CSV files: UTF-8 (with or without a byte-order mark) or,
//! when the bytes are not UTF-8, GBK/GB18030 as Chinese Excel saves them.

use std::borrow::Cow;

/// Decodes CSV bytes; returns the text and the name of the encoding used.
pub fn decode_text(bytes: &[u8]) -> (Cow<'_, str>, &'static str) {
    let without_bom = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(without_bom) {
        Ok(text) => (Cow::Borrowed(text), "UTF-8"),
        Err(_) => {
            let (text, _, _) = encoding_rs::GB18030.decode(without_bom);
            (text, "GBK")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom_decodes_the_same() {
        assert_eq!(decode_text("客户ID,name".as_bytes()).0, "客户ID,name");
        assert_eq!(decode_text(b"\xEF\xBB\xBFa,b").0, "a,b");
    }

    #[test]
    fn gbk_bytes_are_recognised() {
        let (bytes, _, _) = encoding_rs::GBK.encode("客户名称,地区\n杭州茶业,华东\n");
        let (text, encoding) = decode_text(&bytes);
        assert_eq!(
            (text.as_ref(), encoding),
            ("客户名称,地区\n杭州茶业,华东\n", "GBK")
        );
    }
}
