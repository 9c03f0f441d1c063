//! HTML to text: script and style content dropped, block elements become paragraph breaks,
//! other tags are removed, character references decoded. Byte offsets in the tables of an
//! HTML document refer to this text, not to the HTML source.

use std::sync::LazyLock;

use regex::Regex;

static DROPPED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?is)<(script|style|noscript|template)\b.*?</(?:script|style|noscript|template)\s*>|<!--.*?-->")
        .expect("valid pattern")
});
static BLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)</?(?:p|div|h[1-6]|li|ul|ol|tr|table|section|article|header|footer|blockquote|br|hr|title)\b[^>]*>")
        .expect("valid pattern")
});
static TAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?s)<[^>]*>").expect("valid pattern"));
static SPACES: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[ \t\r\u{a0}]+").expect("valid pattern"));
static BLANKS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\n\s*\n(?:\s*\n)*").expect("valid pattern"));

/// The text of an HTML page, paragraphs separated by blank lines.
pub fn to_text(html: &str) -> String {
    let text = DROPPED.replace_all(html, " ");
    let text = BLOCK.replace_all(&text, "\n\n");
    let text = TAG.replace_all(&text, "");
    let text = html_escape::decode_html_entities(&text);
    let text = SPACES.replace_all(&text, " ");
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let text = lines.join("\n");
    BLANKS.replace_all(text.trim(), "\n\n").into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_becomes_paragraphs() {
        let html = "<html><head><style>p{}</style><title>T</title></head><body><h1>Interview with A, B</h1><p>We work &amp; help.<br>More</p><script>x()</script></body></html>";
        assert_eq!(
            to_text(html),
            "T\n\nInterview with A, B\n\nWe work & help.\n\nMore"
        );
    }
}
