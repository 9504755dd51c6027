//! PDF output: one page per image or animation frame, each page exactly the
//! image's size at 72 dpi. Pages hold the image as JPEG (DCTDecode) at the
//! requested quality, or losslessly (FlateDecode) with `lossless`.

use std::io::Write;

use flate2::Compression;
use flate2::write::ZlibEncoder;
use image::DynamicImage;

use super::{Settings, jpeg};
use crate::UserError;
use crate::convert::decode::Frame;

pub fn encode(frames: &[Frame], settings: &Settings) -> Result<Vec<u8>, UserError> {
    let mut pdf = Writer::new();
    let pages_id = 2;
    let first_page_id = 3;
    let kids: Vec<String> = (0..frames.len())
        .map(|i| format!("{} 0 R", first_page_id + i * 3))
        .collect();
    pdf.object(1, b"<< /Type /Catalog /Pages 2 0 R >>");
    let pages = format!(
        "<< /Type /Pages /Kids [{}] /Count {} >>",
        kids.join(" "),
        frames.len()
    );
    pdf.object(pages_id, pages.as_bytes());
    for (index, frame) in frames.iter().enumerate() {
        settings.deadline.check()?;
        let page_id = first_page_id + index * 3;
        let (width, height) = (frame.image.width(), frame.image.height());
        let page = format!(
            "<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 {width} {height}] \
             /Resources << /XObject << /Im0 {} 0 R >> >> /Contents {} 0 R >>",
            page_id + 2,
            page_id + 1
        );
        pdf.object(page_id, page.as_bytes());
        let content = format!("q {width} 0 0 {height} 0 0 cm /Im0 Do Q");
        pdf.stream(page_id + 1, "", content.as_bytes());
        let (dictionary, data) = image_stream(&frame.image, settings)?;
        pdf.stream(page_id + 2, &dictionary, &data);
    }
    Ok(pdf.finish(1))
}

fn image_stream(image: &DynamicImage, settings: &Settings) -> Result<(String, Vec<u8>), UserError> {
    let gray = !image.color().has_color();
    let space = if gray { "/DeviceGray" } else { "/DeviceRGB" };
    let (filter, data) = if settings.lossless {
        let raw = if gray {
            image.to_luma8().into_raw()
        } else {
            image.to_rgb8().into_raw()
        };
        let mut zlib = ZlibEncoder::new(Vec::new(), Compression::default());
        zlib.write_all(&raw).map_err(UserError::internal)?;
        ("/FlateDecode", zlib.finish().map_err(UserError::internal)?)
    } else {
        let plain = Settings {
            icc: None,
            exif: None,
            progressive: false,
            ..*settings
        };
        ("/DCTDecode", jpeg::encode(image, &plain)?)
    };
    let dictionary = format!(
        "/Type /XObject /Subtype /Image /Width {} /Height {} /ColorSpace {space} /BitsPerComponent 8 /Filter {filter}",
        image.width(),
        image.height()
    );
    Ok((dictionary, data))
}

/// Appends numbered objects and remembers their offsets for the xref table.
struct Writer {
    out: Vec<u8>,
    offsets: Vec<(usize, usize)>,
}

impl Writer {
    fn new() -> Self {
        Self {
            out: b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec(),
            offsets: Vec::new(),
        }
    }

    fn object(&mut self, id: usize, body: &[u8]) {
        self.offsets.push((id, self.out.len()));
        self.out
            .extend_from_slice(format!("{id} 0 obj\n").as_bytes());
        self.out.extend_from_slice(body);
        self.out.extend_from_slice(b"\nendobj\n");
    }

    fn stream(&mut self, id: usize, dictionary: &str, data: &[u8]) {
        let mut body = format!("<< {dictionary} /Length {} >>\nstream\n", data.len()).into_bytes();
        body.extend_from_slice(data);
        body.extend_from_slice(b"\nendstream");
        self.object(id, &body);
    }

    fn finish(mut self, root: usize) -> Vec<u8> {
        self.offsets.sort_unstable();
        let xref_at = self.out.len();
        let size = self.offsets.len() + 1;
        let mut xref = format!("xref\n0 {size}\n0000000000 65535 f \n");
        for (_, offset) in &self.offsets {
            xref.push_str(&format!("{offset:010} 00000 n \n"));
        }
        xref.push_str(&format!(
            "trailer\n<< /Size {size} /Root {root} 0 R >>\nstartxref\n{xref_at}\n%%EOF\n"
        ));
        self.out.extend_from_slice(xref.as_bytes());
        self.out
    }
}
