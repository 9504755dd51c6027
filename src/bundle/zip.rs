//! A ZIP archive of files stored as they are (method 0). Results are already
//! compressed images, so deflating them again would cost time and save
//! nothing; storing keeps the writer small enough to own. Every entry has a
//! fixed 1980 timestamp: an archive says nothing about when it was made.

use bytes::Bytes;

/// Local file header, central directory header and end-of-directory
/// signatures, as the ZIP format (APPNOTE 4.3) fixes them.
const LOCAL: u32 = 0x0403_4b50;
const CENTRAL: u32 = 0x0201_4b50;
const END: u32 = 0x0605_4b50;
/// "Version needed to extract": 1.0, enough for stored entries.
const VERSION: u16 = 10;
/// General purpose flag bit 11: names are UTF-8.
const UTF8_NAMES: u16 = 1 << 11;
/// 1980-01-01 00:00 in MS-DOS date and time.
const DOS_DATE: u16 = (1 << 5) | 1;
const DOS_TIME: u16 = 0;

const LOCAL_HEADER: usize = 30;
const CENTRAL_HEADER: usize = 46;
const END_RECORD: usize = 22;

/// Why files can't go in one archive without ZIP64.
#[derive(Debug, PartialEq, Eq)]
pub struct TooBig;

/// The archive's size for `entries`, before writing it.
pub fn size_of(entries: &[(String, Bytes)]) -> usize {
    entries
        .iter()
        .map(|(name, bytes)| LOCAL_HEADER + CENTRAL_HEADER + 2 * name.len() + bytes.len())
        .sum::<usize>()
        + END_RECORD
}

/// One archive holding `entries` in order, each under its name.
pub fn archive(entries: &[(String, Bytes)]) -> Result<Vec<u8>, TooBig> {
    let size = size_of(entries);
    if u32::try_from(size).is_err() || entries.len() > usize::from(u16::MAX) {
        return Err(TooBig);
    }
    let mut out = Vec::with_capacity(size);
    let mut directory = Vec::with_capacity(entries.len());
    for (name, bytes) in entries {
        let entry = Entry {
            name,
            crc: crc32fast::hash(bytes),
            size: bytes.len() as u32,
            offset: out.len() as u32,
        };
        entry.write_local(&mut out);
        out.extend_from_slice(bytes);
        directory.push(entry);
    }
    let directory_start = out.len() as u32;
    for entry in &directory {
        entry.write_central(&mut out);
    }
    let directory_size = out.len() as u32 - directory_start;
    put32(&mut out, END);
    put16(&mut out, 0);
    put16(&mut out, 0);
    put16(&mut out, directory.len() as u16);
    put16(&mut out, directory.len() as u16);
    put32(&mut out, directory_size);
    put32(&mut out, directory_start);
    put16(&mut out, 0);
    debug_assert_eq!(out.len(), size);
    Ok(out)
}

struct Entry<'a> {
    name: &'a str,
    crc: u32,
    size: u32,
    offset: u32,
}

impl Entry<'_> {
    fn write_local(&self, out: &mut Vec<u8>) {
        put32(out, LOCAL);
        put16(out, VERSION);
        self.write_common(out);
        put16(out, 0);
        out.extend_from_slice(self.name.as_bytes());
    }

    fn write_central(&self, out: &mut Vec<u8>) {
        put32(out, CENTRAL);
        put16(out, VERSION);
        put16(out, VERSION);
        self.write_common(out);
        put16(out, 0);
        put16(out, 0);
        put16(out, 0);
        put16(out, 0);
        put32(out, 0);
        put32(out, self.offset);
        out.extend_from_slice(self.name.as_bytes());
    }

    /// Flags through name length: the run both headers share.
    fn write_common(&self, out: &mut Vec<u8>) {
        put16(out, UTF8_NAMES);
        put16(out, 0);
        put16(out, DOS_TIME);
        put16(out, DOS_DATE);
        put32(out, self.crc);
        put32(out, self.size);
        put32(out, self.size);
        put16(out, self.name.len() as u16);
    }
}

fn put16(out: &mut Vec<u8>, value: u16) {
    out.extend_from_slice(&value.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, value: u32) {
    out.extend_from_slice(&value.to_le_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u16_at(bytes: &[u8], at: usize) -> u16 {
        u16::from_le_bytes([bytes[at], bytes[at + 1]])
    }

    fn u32_at(bytes: &[u8], at: usize) -> u32 {
        u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap())
    }

    /// Reads the archive back through its central directory, the way an
    /// unzip tool does, checking each entry's CRC against its bytes.
    fn read_back(zip: &[u8]) -> Vec<(String, Vec<u8>)> {
        let end = zip.len() - END_RECORD;
        assert_eq!(u32_at(zip, end), END);
        let count = usize::from(u16_at(zip, end + 10));
        let mut at = u32_at(zip, end + 16) as usize;
        let mut files = Vec::new();
        for _ in 0..count {
            assert_eq!(u32_at(zip, at), CENTRAL);
            let crc = u32_at(zip, at + 16);
            let size = u32_at(zip, at + 20) as usize;
            let name_len = usize::from(u16_at(zip, at + 28));
            let offset = u32_at(zip, at + 42) as usize;
            let name = String::from_utf8(zip[at + 46..at + 46 + name_len].to_vec()).unwrap();
            assert_eq!(u32_at(zip, offset), LOCAL);
            let data_at = offset + LOCAL_HEADER + usize::from(u16_at(zip, offset + 26));
            let data = zip[data_at..data_at + size].to_vec();
            assert_eq!(crc32fast::hash(&data), crc, "{name}");
            files.push((name, data));
            at += CENTRAL_HEADER + name_len;
        }
        files
    }

    #[test]
    fn entries_come_back_in_order_with_their_names_and_bytes() {
        let entries = vec![
            (
                "pixdrop-0a1b2c3d.webp".to_string(),
                Bytes::from_static(b"RIFF....WEBP"),
            ),
            (
                "pixdrop-ffee0011.png".to_string(),
                Bytes::from(vec![7u8; 5000]),
            ),
            ("pixdrop-empty.gif".to_string(), Bytes::new()),
        ];
        let zip = archive(&entries).unwrap();
        assert_eq!(zip.len(), size_of(&entries));
        let back = read_back(&zip);
        let expected: Vec<_> = entries
            .iter()
            .map(|(n, b)| (n.clone(), b.to_vec()))
            .collect();
        assert_eq!(back, expected);
    }

    #[test]
    fn the_checksum_is_the_standard_crc32() {
        let zip = archive(&[("a".to_string(), Bytes::from_static(b"123456789"))]).unwrap();
        assert_eq!(u32_at(&zip, 14), 0xCBF4_3926);
    }

    #[test]
    fn an_empty_archive_is_just_the_end_record() {
        let zip = archive(&[]).unwrap();
        assert_eq!(zip.len(), END_RECORD);
        assert!(read_back(&zip).is_empty());
    }
}
