//! `Rgb`: the background colour laid under transparency, parsed from a name
//! or a hex code.

use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub [u8; 3]);

impl Rgb {
    pub const WHITE: Self = Self([255, 255, 255]);
}

impl FromStr for Rgb {
    type Err = ();

    fn from_str(text: &str) -> Result<Self, ()> {
        let text = text.trim().to_ascii_lowercase();
        let named = match text.as_str() {
            "white" => Some([255, 255, 255]),
            "black" => Some([0, 0, 0]),
            "gray" | "grey" => Some([128, 128, 128]),
            "red" => Some([255, 0, 0]),
            "green" => Some([0, 128, 0]),
            "blue" => Some([0, 0, 255]),
            "yellow" => Some([255, 255, 0]),
            _ => None,
        };
        if let Some(rgb) = named {
            return Ok(Self(rgb));
        }
        let hex = text.trim_start_matches('#');
        let digits: Vec<u8> = hex
            .chars()
            .map(|c| c.to_digit(16).map(|d| d as u8))
            .collect::<Option<_>>()
            .ok_or(())?;
        match digits.as_slice() {
            [r, g, b] => Ok(Self([r * 17, g * 17, b * 17])),
            [r1, r0, g1, g0, b1, b0] => Ok(Self([r1 * 16 + r0, g1 * 16 + g0, b1 * 16 + b0])),
            _ => Err(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_hex_codes() {
        assert_eq!("White".parse(), Ok(Rgb::WHITE));
        assert_eq!("#ff8800".parse(), Ok(Rgb([255, 136, 0])));
        assert_eq!("f80".parse(), Ok(Rgb([255, 136, 0])));
        assert!("#12345".parse::<Rgb>().is_err());
        assert!("mauve-ish".parse::<Rgb>().is_err());
    }
}
