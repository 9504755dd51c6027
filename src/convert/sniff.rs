//! Format detection from magic bytes only. File names and MIME types lie
//! (a ZIP named `.jpg`, HTML named `.png`), so nothing else is consulted.
//! For bytes that are not a readable image, `Sniffed::Other` carries a short
//! name of what they look like, for the error a user reads.

use super::Format;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed {
    Image(Format),
    Other(&'static str),
}

/// What these bytes are, judged from their first bytes (and TGA's header).
pub fn sniff(bytes: &[u8]) -> Sniffed {
    if bytes.is_empty() {
        return Sniffed::Other("an empty file");
    }
    if let Some(format) = magic(bytes) {
        return Sniffed::Image(format);
    }
    if let Some(what) = known_other(bytes) {
        return Sniffed::Other(what);
    }
    if looks_like_tga(bytes) {
        return Sniffed::Image(Format::Tga);
    }
    Sniffed::Other("an unknown kind of file")
}

fn magic(b: &[u8]) -> Option<Format> {
    let starts = |m: &[u8]| b.starts_with(m);
    if starts(&[0xFF, 0xD8, 0xFF]) {
        return Some(Format::Jpeg);
    }
    if starts(b"\x89PNG\r\n\x1a\n") {
        return Some(Format::Png);
    }
    if starts(b"GIF87a") || starts(b"GIF89a") {
        return Some(Format::Gif);
    }
    if b.len() >= 12 && &b[..4] == b"RIFF" && &b[8..12] == b"WEBP" {
        return Some(Format::Webp);
    }
    if starts(b"II*\0") || starts(b"MM\0*") || starts(b"II+\0") || starts(b"MM\0+") {
        return Some(Format::Tiff);
    }
    if starts(b"qoif") {
        return Some(Format::Qoi);
    }
    if b.len() >= 14 && starts(b"BM") {
        return Some(Format::Bmp);
    }
    if b.len() >= 6 && (starts(&[0, 0, 1, 0]) || starts(&[0, 0, 2, 0])) && (b[4] != 0 || b[5] != 0)
    {
        return Some(Format::Ico);
    }
    if b.len() >= 3 && b[0] == b'P' && (b'1'..=b'7').contains(&b[1]) && b[2].is_ascii_whitespace() {
        return Some(Format::Pnm);
    }
    isobmff(b)
}

fn isobmff(b: &[u8]) -> Option<Format> {
    if b.len() < 16 || &b[4..8] != b"ftyp" {
        return None;
    }
    let box_len = u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize;
    let end = box_len.clamp(16, b.len().min(256));
    let brands: Vec<&[u8]> = std::iter::once(&b[8..12])
        .chain(b[16..end].chunks_exact(4))
        .collect();
    let has = |names: &[&[u8; 4]]| {
        brands
            .iter()
            .any(|brand| names.iter().any(|n| *brand == *n))
    };
    if has(&[b"avif", b"avis"]) {
        return Some(Format::Avif);
    }
    if has(&[
        b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1",
    ]) {
        return Some(Format::Heic);
    }
    None
}

fn known_other(b: &[u8]) -> Option<&'static str> {
    let head = &b[..b.len().min(512)];
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if b.starts_with(b"%PDF") {
        return Some("a PDF document");
    }
    if b.starts_with(b"PK\x03\x04") {
        return Some("a ZIP archive");
    }
    if b.starts_with(b"gimp xcf") {
        return Some("a GIMP XCF file");
    }
    if b.starts_with(&[0xFF, 0x0A]) || b.starts_with(b"\0\0\0\x0cJXL ") {
        return Some("a JPEG XL image");
    }
    if text.starts_with("<svg") || (text.starts_with("<?xml") && text.contains("<svg")) {
        return Some("an SVG drawing");
    }
    if text.starts_with("<!doctype html") || text.starts_with("<html") {
        return Some("a web page");
    }
    if b.len() >= 12 && &b[4..8] == b"ftyp" {
        return Some("a video or other media file");
    }
    if head
        .iter()
        .all(|c| c.is_ascii_graphic() || c.is_ascii_whitespace())
    {
        return Some("a text file");
    }
    None
}

/// TGA has no magic number; accept only headers whose every field is sane.
fn looks_like_tga(b: &[u8]) -> bool {
    if b.len() < 18 {
        return false;
    }
    let colormap_type = b[1];
    let image_type = b[2];
    let colormap_len = u16::from_le_bytes([b[5], b[6]]);
    let colormap_depth = b[7];
    let width = u16::from_le_bytes([b[12], b[13]]);
    let height = u16::from_le_bytes([b[14], b[15]]);
    let depth = b[16];
    let descriptor = b[17];
    let colormap_ok = match colormap_type {
        0 => colormap_len == 0 || colormap_depth == 0,
        1 => matches!(colormap_depth, 15 | 16 | 24 | 32) && colormap_len > 0,
        _ => false,
    };
    matches!(image_type, 1 | 2 | 3 | 9 | 10 | 11)
        && colormap_ok
        && matches!(depth, 8 | 15 | 16 | 24 | 32)
        && width > 0
        && height > 0
        && descriptor & 0xC0 == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_magic_regardless_of_name() {
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0rest"), Sniffed::Image(Format::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest"), Sniffed::Image(Format::Png));
        assert_eq!(sniff(b"GIF89a......"), Sniffed::Image(Format::Gif));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Sniffed::Image(Format::Webp));
        assert_eq!(sniff(b"P6\n1 1\n255\n\0\0\0"), Sniffed::Image(Format::Pnm));
        assert_eq!(
            sniff(b"\0\0\0\x1cftypavif\0\0\0\0avifmif1miaf"),
            Sniffed::Image(Format::Avif)
        );
        assert_eq!(
            sniff(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic"),
            Sniffed::Image(Format::Heic)
        );
    }

    #[test]
    fn names_what_is_not_an_image() {
        assert_eq!(sniff(b""), Sniffed::Other("an empty file"));
        assert_eq!(sniff(b"PK\x03\x04zip"), Sniffed::Other("a ZIP archive"));
        assert_eq!(
            sniff(b"<?xml version=\"1.0\"?><svg xmlns=\"x\"/>"),
            Sniffed::Other("an SVG drawing")
        );
        assert_eq!(sniff(b"hello there"), Sniffed::Other("a text file"));
        assert_eq!(sniff(b"%PDF-1.7"), Sniffed::Other("a PDF document"));
    }

    #[test]
    fn accepts_a_plain_tga_header_only() {
        let mut tga = vec![0u8; 18 + 4];
        tga[2] = 2;
        tga[12] = 1;
        tga[14] = 1;
        tga[16] = 32;
        assert_eq!(sniff(&tga), Sniffed::Image(Format::Tga));
        tga[2] = 7;
        assert_ne!(sniff(&tga), Sniffed::Image(Format::Tga));
    }
}
