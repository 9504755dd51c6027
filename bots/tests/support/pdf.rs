//! Reads a PDF's pages the way a viewer finds them, for assertions on
//! results: `startxref` → the cross-reference table → the trailer's
//! `/Root` → the catalog's `/Pages` → its `/Kids`, and for each page the
//! image it draws (`/Resources /XObject`) with that image's `/Width` and
//! `/Height`. Only what pixdrop writes is understood (a classic xref
//! table, direct dictionaries, one image a page); anything else fails the
//! test with what was missing.

use std::collections::HashMap;

/// One page: its image's size in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub width: u64,
    pub height: u64,
}

/// The pages of `pdf`, in order.
pub fn pages(pdf: &[u8]) -> Result<Vec<Page>, String> {
    let objects = objects(pdf)?;
    let trailer = after(pdf, b"trailer").ok_or("no trailer")?;
    let root = reference(trailer, "/Root").ok_or("the trailer names no /Root")?;
    let catalog = dictionary(pdf, &objects, root)?;
    if name(&catalog, "/Type").as_deref() != Some("/Catalog") {
        return Err(format!("object {root} is not the catalog"));
    }
    let tree = reference(catalog.as_bytes(), "/Pages").ok_or("the catalog names no /Pages")?;
    let pages_object = dictionary(pdf, &objects, tree)?;
    let kids = references(&pages_object, "/Kids").ok_or("the page tree has no /Kids")?;
    let count = integer(&pages_object, "/Count").ok_or("the page tree has no /Count")?;
    if count != kids.len() as u64 {
        return Err(format!("/Count {count} but {} kids", kids.len()));
    }
    kids.into_iter()
        .map(|kid| {
            let page = dictionary(pdf, &objects, kid)?;
            if name(&page, "/Type").as_deref() != Some("/Page") {
                return Err(format!("kid {kid} is not a page"));
            }
            let xobjects = after(page.as_bytes(), b"/XObject").ok_or("a page without images")?;
            let image = reference(xobjects, "/Im0").ok_or("a page without /Im0")?;
            let image = dictionary(pdf, &objects, image)?;
            if name(&image, "/Subtype").as_deref() != Some("/Image") {
                return Err(format!("/Im0 of page {kid} is not an image"));
            }
            Ok(Page {
                width: integer(&image, "/Width").ok_or("an image without /Width")?,
                height: integer(&image, "/Height").ok_or("an image without /Height")?,
            })
        })
        .collect()
}

/// Object number → byte offset, from the xref table `startxref` points at.
fn objects(pdf: &[u8]) -> Result<HashMap<u64, usize>, String> {
    let start = rfind(pdf, b"startxref").ok_or("no startxref")?;
    let offset: usize = text(&pdf[start + 9..])
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .ok_or("startxref without an offset")?;
    let table = pdf.get(offset..).ok_or("startxref points past the end")?;
    let table = text(table);
    let mut lines = table.lines();
    if lines.next().map(str::trim) != Some("xref") {
        return Err("startxref does not point at an xref table".into());
    }
    let mut offsets = HashMap::new();
    while let Some(line) = lines.next() {
        let mut head = line.split_whitespace();
        let (Some(first), Some(count), None) = (head.next(), head.next(), head.next()) else {
            break;
        };
        let (first, count): (u64, u64) = match (first.parse(), count.parse()) {
            (Ok(first), Ok(count)) => (first, count),
            _ => break,
        };
        for number in first..first + count {
            let entry = lines.next().ok_or("the xref table ends early")?;
            let fields: Vec<&str> = entry.split_whitespace().collect();
            if let [at, _, "n"] = fields.as_slice() {
                offsets.insert(number, at.parse().map_err(|_| "a bad xref offset")?);
            }
        }
    }
    Ok(offsets)
}

/// The dictionary of object `number`, found at its xref offset.
fn dictionary(pdf: &[u8], objects: &HashMap<u64, usize>, number: u64) -> Result<String, String> {
    let at = *objects
        .get(&number)
        .ok_or(format!("object {number} is not in the xref table"))?;
    let body = pdf.get(at..).ok_or("an offset past the end")?;
    let header = format!("{number} 0 obj");
    if !body.starts_with(header.as_bytes()) {
        return Err(format!("the xref offset of {number} does not start it"));
    }
    let open = find(body, b"<<").ok_or(format!("object {number} has no dictionary"))?;
    let mut depth = 0usize;
    let mut i = open;
    while i + 1 < body.len() {
        match &body[i..i + 2] {
            b"<<" => (depth, i) = (depth + 1, i + 2),
            b">>" => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return Ok(text(&body[open..i]).into_owned());
                }
            }
            _ => i += 1,
        }
    }
    Err(format!("object {number}'s dictionary never closes"))
}

fn value<'a>(dictionary: &'a str, key: &str) -> Option<&'a str> {
    let at = dictionary
        .find(&format!("{key} "))
        .or_else(|| dictionary.find(key))?;
    Some(dictionary[at + key.len()..].trim_start())
}

fn name(dictionary: &str, key: &str) -> Option<String> {
    let rest = value(dictionary, key)?.strip_prefix('/')?;
    let end = rest
        .find(|c: char| c.is_whitespace() || "/<>[]".contains(c))
        .unwrap_or(rest.len());
    Some(format!("/{}", &rest[..end]))
}

fn integer(dictionary: &str, key: &str) -> Option<u64> {
    value(dictionary, key)?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// `N 0 R` after `key`.
fn reference(bytes: impl AsRef<[u8]>, key: &str) -> Option<u64> {
    let text = text(bytes.as_ref()).into_owned();
    let mut words = value(&text, key)?.split_whitespace();
    let number = words.next()?.parse().ok()?;
    (words.next()? == "0" && words.next()?.starts_with('R')).then_some(number)
}

/// `[N 0 R …]` after `key`.
fn references(dictionary: &str, key: &str) -> Option<Vec<u64>> {
    let rest = value(dictionary, key)?.strip_prefix('[')?;
    let words: Vec<&str> = rest[..rest.find(']')?].split_whitespace().collect();
    words
        .chunks(3)
        .map(|triple| match triple {
            [number, "0", "R"] => number.parse().ok(),
            _ => None,
        })
        .collect()
}

fn after<'a>(bytes: &'a [u8], marker: &[u8]) -> Option<&'a [u8]> {
    find(bytes, marker).map(|at| &bytes[at + marker.len()..])
}

fn find(bytes: &[u8], marker: &[u8]) -> Option<usize> {
    bytes.windows(marker.len()).position(|w| w == marker)
}

fn rfind(bytes: &[u8], marker: &[u8]) -> Option<usize> {
    bytes.windows(marker.len()).rposition(|w| w == marker)
}

/// Latin-1 view: PDF syntax is ASCII, and stream bytes may be anything.
fn text(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(bytes)
}
