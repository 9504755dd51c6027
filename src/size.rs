//! `ByteSize`: byte counts as people write them (`500KB`, `2MB`, `300000`)
//! and as they read them back. Decimal units (KB = 1000) so a "500KB" target
//! is met under either reading; `KiB`/`MiB` are accepted for the binary ones.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ByteSize(pub u64);

impl ByteSize {
    pub fn bytes(self) -> u64 {
        self.0
    }
}

impl FromStr for ByteSize {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        let split = text
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(text.len());
        let (number, unit) = text.split_at(split);
        let number: f64 = number
            .parse()
            .map_err(|_| format!("`{text}` is not a size; write it like 500KB, 2MB or 300000"))?;
        let multiplier: u64 = match unit.trim().to_ascii_lowercase().as_str() {
            "" | "b" => 1,
            "k" | "kb" => 1_000,
            "kib" => 1 << 10,
            "m" | "mb" => 1_000_000,
            "mib" => 1 << 20,
            "g" | "gb" => 1_000_000_000,
            "gib" => 1 << 30,
            _ => return Err(format!("`{text}` has an unknown unit; use KB, MB or GB")),
        };
        let bytes = number * multiplier as f64;
        if !bytes.is_finite() || bytes < 1.0 || bytes > u64::MAX as f64 {
            return Err(format!("`{text}` is not a usable size"));
        }
        Ok(Self(bytes.round() as u64))
    }
}

impl fmt::Display for ByteSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0;
        if n < 1_000 {
            return write!(f, "{n} bytes");
        }
        let (value, unit) = if n < 1_000_000 {
            (n as f64 / 1e3, "KB")
        } else if n < 1_000_000_000 {
            (n as f64 / 1e6, "MB")
        } else {
            (n as f64 / 1e9, "GB")
        };
        let tenths = (value * 10.0).round() / 10.0;
        if value >= 100.0 || tenths.fract() == 0.0 {
            write!(f, "{value:.0} {unit}")
        } else {
            write!(f, "{tenths:.1} {unit}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_ways_people_write_sizes() {
        assert_eq!("500KB".parse(), Ok(ByteSize(500_000)));
        assert_eq!("2MB".parse(), Ok(ByteSize(2_000_000)));
        assert_eq!("1.5mb".parse(), Ok(ByteSize(1_500_000)));
        assert_eq!("300000".parse(), Ok(ByteSize(300_000)));
        assert_eq!("64KiB".parse(), Ok(ByteSize(65_536)));
        assert!("lots".parse::<ByteSize>().is_err());
        assert!("5 parsecs".parse::<ByteSize>().is_err());
        assert!("0".parse::<ByteSize>().is_err());
    }

    #[test]
    fn displays_short_and_readable() {
        assert_eq!(ByteSize(512).to_string(), "512 bytes");
        assert_eq!(ByteSize(2_400).to_string(), "2.4 KB");
        assert_eq!(ByteSize(52_428_800).to_string(), "52.4 MB");
        assert_eq!(ByteSize(500_000).to_string(), "500 KB");
        assert_eq!(ByteSize(20 << 20).to_string(), "21 MB");
        assert_eq!(ByteSize(1_950_000).to_string(), "2 MB");
    }
}
