//! `parse_mode` as Telegram enforces it: HTML and MarkdownV2 text that the
//! real API would refuse with "can't parse entities" is refused here too, and
//! accepted text comes back as the plain text a client would display. A
//! close subset of tdlib's parser, strict where bots usually slip (unknown
//! tags, unbalanced tags, unescaped reserved characters).

const HTML_TAGS: [&str; 16] = [
    "a",
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "tg-emoji",
    "code",
    "pre",
    "blockquote",
];

/// The displayed text of `text` under `mode`, or the parser's complaint.
pub fn plain(text: &str, mode: Option<&str>) -> Result<String, String> {
    match mode {
        None | Some("") => Ok(text.to_string()),
        Some(mode) if mode.eq_ignore_ascii_case("html") => html(text),
        Some("MarkdownV2") => markdown_v2(text),
        Some("Markdown") => Ok(text.replace(['*', '_', '`'], "")),
        Some(_) => Err("unsupported parse_mode".to_string()),
    }
}

fn html(text: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut open: Vec<String> = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        if rest.starts_with('&')
            && let Some((decoded, used)) = html_entity(rest)
        {
            out.push(decoded);
            i += used;
            continue;
        }
        if !rest.starts_with('<') {
            let c = rest.chars().next().unwrap_or_default();
            out.push(c);
            i += c.len_utf8();
            continue;
        }
        let Some(end) = rest.find('>') else {
            return Err(format!("Unclosed start tag at byte offset {i}"));
        };
        let inner = &rest[1..end];
        if let Some(name) = inner.strip_prefix('/') {
            let name = name.trim().to_ascii_lowercase();
            match open.pop() {
                None => return Err(format!("Unexpected end tag at byte offset {i}")),
                Some(top) if top != name && !name.is_empty() => {
                    return Err(format!(
                        "Unmatched end tag at byte offset {i}, expected \"</{top}>\", found \"</{name}>\""
                    ));
                }
                Some(_) => {}
            }
        } else {
            let name: String = inner
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect::<String>()
                .to_ascii_lowercase();
            if !HTML_TAGS.contains(&name.as_str()) {
                return Err(format!(
                    "Unsupported start tag \"{name}\" at byte offset {i}"
                ));
            }
            open.push(name);
        }
        i += end + 1;
    }
    match open.last() {
        Some(tag) => Err(format!(
            "Can't find end tag corresponding to start tag \"{tag}\""
        )),
        None => Ok(out),
    }
}

fn html_entity(text: &str) -> Option<(char, usize)> {
    let end = text.find(';').filter(|&end| end <= 10)?;
    let name = &text[1..end];
    let decoded = match name {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "quot" => '"',
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)?
        }
    };
    Some((decoded, end + 1))
}

/// Which markers open an entity, and the names tdlib reports for them.
fn entity_name(marker: &str) -> &'static str {
    match marker {
        "*" => "Bold",
        "_" => "Italic",
        "__" => "Underline",
        "~" => "Strikethrough",
        "||" => "Spoiler",
        _ => "TextUrl",
    }
}

fn markdown_v2(text: &str) -> Result<String, String> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = String::new();
    let mut open: Vec<(&'static str, usize)> = Vec::new();
    let mut i = 0;
    let reserved = |c: char| {
        format!("Character '{c}' is reserved and must be escaped with the preceding '\\'")
    };
    while i < chars.len() {
        let (offset, c) = chars[i];
        let next = chars.get(i + 1).map(|&(_, c)| c);
        let line_start = i == 0 || chars[i - 1].1 == '\n';
        match c {
            '\\' => {
                if let Some(escaped) = next {
                    out.push(escaped);
                }
                i += 2;
                continue;
            }
            '`' => {
                let fence = text[offset..].starts_with("```");
                let width = if fence { 3 } else { 1 };
                let mut j = i + width;
                while j < chars.len() && !text[chars[j].0..].starts_with(&"```"[..width]) {
                    if chars[j].1 == '\\' {
                        j += 1;
                    }
                    if let Some(&(_, inner)) = chars.get(j) {
                        out.push(inner);
                    }
                    j += 1;
                }
                if j >= chars.len() {
                    let name = if fence { "Pre" } else { "Code" };
                    return Err(format!(
                        "Can't find end of {name} entity at byte offset {offset}"
                    ));
                }
                i = j + width;
                continue;
            }
            '*' | '~' => toggle(&mut open, if c == '*' { "*" } else { "~" }, offset),
            '_' if next == Some('_') => {
                toggle(&mut open, "__", offset);
                i += 1;
            }
            '_' => toggle(&mut open, "_", offset),
            '|' if next == Some('|') => {
                toggle(&mut open, "||", offset);
                i += 1;
            }
            '[' => open.push(("[", offset)),
            '!' if next == Some('[') => {}
            ']' if open.last().map(|(m, _)| *m) == Some("[") => {
                open.pop();
                if next != Some('(') {
                    return Err(reserved(']'));
                }
                let mut j = i + 2;
                while j < chars.len() && chars[j].1 != ')' {
                    j += if chars[j].1 == '\\' { 2 } else { 1 };
                }
                if j >= chars.len() {
                    return Err(format!("Can't find end of a URL at byte offset {offset}"));
                }
                i = j + 1;
                continue;
            }
            '>' if line_start => {}
            ']' | '(' | ')' | '>' | '#' | '+' | '-' | '=' | '|' | '{' | '}' | '.' | '!' => {
                return Err(reserved(c));
            }
            other => out.push(other),
        }
        i += 1;
    }
    match open.last() {
        Some((marker, at)) => Err(format!(
            "Can't find end of {} entity at byte offset {at}",
            entity_name(marker)
        )),
        None => Ok(out),
    }
}

fn toggle(open: &mut Vec<(&'static str, usize)>, marker: &'static str, offset: usize) {
    if open.last().map(|(m, _)| *m) == Some(marker) {
        open.pop();
    } else {
        open.push((marker, offset));
    }
}
