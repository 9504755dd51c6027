//! WebP's RIFF container, for metadata: libwebp's simple encoder writes only
//! the image, so a kept colour profile and EXIF are added here as `ICCP`
//! and `EXIF` chunks under a `VP8X` header, in the order the container
//! specification requires (VP8X, ICCP, image data, EXIF).

const HEADER: usize = 12;
const ICC_FLAG: u8 = 0x20;
const ALPHA_FLAG: u8 = 0x10;
const EXIF_FLAG: u8 = 0x08;

/// One chunk: its FourCC and its payload (without the pad byte).
struct Chunk<'a> {
    fourcc: [u8; 4],
    payload: &'a [u8],
}

fn chunks(body: &[u8]) -> Option<Vec<Chunk<'_>>> {
    let mut chunks = Vec::new();
    let mut at = 0;
    while at < body.len() {
        let fourcc: [u8; 4] = body.get(at..at + 4)?.try_into().ok()?;
        let size = u32::from_le_bytes(body.get(at + 4..at + 8)?.try_into().ok()?) as usize;
        let payload = body.get(at + 8..at + 8 + size)?;
        chunks.push(Chunk { fourcc, payload });
        at += 8 + size + (size & 1);
    }
    Some(chunks)
}

fn put(out: &mut Vec<u8>, fourcc: &[u8; 4], payload: &[u8]) {
    out.extend_from_slice(fourcc);
    out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    out.extend_from_slice(payload);
    if payload.len() % 2 == 1 {
        out.push(0);
    }
}

/// A `VP8X` payload for a still image of `width`×`height` with `flags`.
fn vp8x(flags: u8, width: u32, height: u32) -> [u8; 10] {
    let mut payload = [0u8; 10];
    payload[0] = flags;
    payload[4..7].copy_from_slice(&width.saturating_sub(1).to_le_bytes()[..3]);
    payload[7..10].copy_from_slice(&height.saturating_sub(1).to_le_bytes()[..3]);
    payload
}

/// `webp` as libwebp wrote it, with `icc` and `exif` added. Returns the
/// file unchanged when there is nothing to add or it is not a RIFF WebP.
pub fn with_metadata(
    webp: Vec<u8>,
    size: (u32, u32),
    alpha: bool,
    icc: Option<&[u8]>,
    exif: Option<&[u8]>,
) -> Vec<u8> {
    if icc.is_none() && exif.is_none()
        || !webp.starts_with(b"RIFF")
        || webp.get(8..12) != Some(b"WEBP")
    {
        return webp;
    }
    let Some(parts) = chunks(&webp[HEADER..]) else {
        return webp;
    };
    let mut flags = icc.map_or(0, |_| ICC_FLAG) | exif.map_or(0, |_| EXIF_FLAG);
    let mut body = Vec::with_capacity(
        webp.len() + icc.map_or(0, <[u8]>::len) + exif.map_or(0, <[u8]>::len) + 64,
    );
    let header = match parts.first() {
        Some(first) if &first.fourcc == b"VP8X" && first.payload.len() == 10 => {
            let mut header: [u8; 10] = first.payload.try_into().expect("checked length");
            header[0] |= flags;
            header
        }
        _ => {
            if alpha {
                flags |= ALPHA_FLAG;
            }
            vp8x(flags, size.0, size.1)
        }
    };
    put(&mut body, b"VP8X", &header);
    if let Some(icc) = icc {
        put(&mut body, b"ICCP", icc);
    }
    for chunk in parts
        .iter()
        .filter(|c| !matches!(&c.fourcc, b"VP8X" | b"ICCP" | b"EXIF"))
    {
        put(&mut body, &chunk.fourcc, chunk.payload);
    }
    if let Some(exif) = exif {
        put(&mut body, b"EXIF", exif);
    }
    let mut out = Vec::with_capacity(HEADER + body.len());
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&((4 + body.len()) as u32).to_le_bytes());
    out.extend_from_slice(b"WEBP");
    out.extend_from_slice(&body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn simple(payload: &[u8]) -> Vec<u8> {
        let mut body = Vec::new();
        put(&mut body, b"VP8L", payload);
        let mut out = b"RIFF".to_vec();
        out.extend_from_slice(&((4 + body.len()) as u32).to_le_bytes());
        out.extend_from_slice(b"WEBP");
        out.extend_from_slice(&body);
        out
    }

    #[test]
    fn a_simple_file_gains_vp8x_iccp_first_and_exif_last() {
        let out = with_metadata(
            simple(b"abc"),
            (300, 200),
            true,
            Some(b"icc!"),
            Some(b"II*\0x"),
        );
        let parts = chunks(&out[HEADER..]).unwrap();
        let names: Vec<&[u8]> = parts.iter().map(|c| &c.fourcc[..]).collect();
        assert_eq!(names, [&b"VP8X"[..], b"ICCP", b"VP8L", b"EXIF"]);
        assert_eq!(parts[0].payload[0], ICC_FLAG | ALPHA_FLAG | EXIF_FLAG);
        assert_eq!(&parts[0].payload[4..7], &299u32.to_le_bytes()[..3]);
        assert_eq!(&parts[0].payload[7..10], &199u32.to_le_bytes()[..3]);
        assert_eq!(parts[2].payload, b"abc", "odd payload kept, pad dropped");
        assert_eq!(parts[3].payload, b"II*\0x");
        let riff_size = u32::from_le_bytes(out[4..8].try_into().unwrap()) as usize;
        assert_eq!(riff_size + 8, out.len());
    }

    #[test]
    fn an_extended_file_keeps_its_header_and_gains_flags() {
        let mut body = Vec::new();
        put(&mut body, b"VP8X", &vp8x(0x02, 10, 10));
        put(&mut body, b"ANIM", &[0; 6]);
        put(&mut body, b"ANMF", &[1; 17]);
        let mut file = b"RIFF".to_vec();
        file.extend_from_slice(&((4 + body.len()) as u32).to_le_bytes());
        file.extend_from_slice(b"WEBP");
        file.extend_from_slice(&body);
        let out = with_metadata(file, (10, 10), false, None, Some(b"MM\0*"));
        let parts = chunks(&out[HEADER..]).unwrap();
        assert_eq!(parts[0].payload[0], 0x02 | EXIF_FLAG);
        let names: Vec<&[u8]> = parts.iter().map(|c| &c.fourcc[..]).collect();
        assert_eq!(names, [&b"VP8X"[..], b"ANIM", b"ANMF", b"EXIF"]);
    }

    #[test]
    fn nothing_to_add_or_not_webp_leaves_the_bytes_alone() {
        let file = simple(b"abcd");
        assert_eq!(with_metadata(file.clone(), (1, 1), false, None, None), file);
        let png = b"\x89PNG\r\n\x1a\n".to_vec();
        assert_eq!(
            with_metadata(png.clone(), (1, 1), false, Some(b"x"), None),
            png
        );
    }
}
