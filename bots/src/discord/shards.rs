//! `DISCORD_SHARDS`: which gateway shards this process runs when a bot's
//! shards are split across processes, written `FIRST-LAST/TOTAL` (`0-3/8`:
//! shards 0 to 3 of 8) or `INDEX/TOTAL` for one. Unset, serenity picks the
//! count Discord recommends and runs them all here.

use std::fmt;
use std::str::FromStr;

/// A range of shards, both ends included, out of `total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shards {
    pub first: u32,
    pub last: u32,
    pub total: u32,
}

impl fmt::Display for Shards {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}/{}", self.first, self.last, self.total)
    }
}

impl FromStr for Shards {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let bad = || format!("expected shards like 0-3/8 (shards 0 to 3 of 8), got `{text}`");
        let (range, total) = text.trim().split_once('/').ok_or_else(bad)?;
        let number = |n: &str| n.trim().parse::<u32>().map_err(|_| bad());
        let (first, last) = match range.split_once('-') {
            Some((first, last)) => (number(first)?, number(last)?),
            None => (number(range)?, number(range)?),
        };
        let total = number(total)?;
        if total == 0 || first > last || last >= total {
            return Err(format!(
                "`{text}` is not a range of shards within 0 to TOTAL-1, like 0-3/8"
            ));
        }
        Ok(Self { first, last, total })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_and_single_shards_are_read() {
        let shards: Shards = "0-3/8".parse().unwrap();
        assert_eq!((shards.first, shards.last, shards.total), (0, 3, 8));
        assert_eq!(shards.to_string(), "0-3/8");
        let one: Shards = " 5/6 ".parse().unwrap();
        assert_eq!((one.first, one.last, one.total), (5, 5, 6));
    }

    #[test]
    fn ranges_outside_the_total_or_backwards_are_refused() {
        for bad in [
            "", "8", "0-3", "3-0/8", "0-8/8", "0-3/0", "a-b/c", "-1-3/8", "0-3/8/9",
        ] {
            assert!(bad.parse::<Shards>().is_err(), "{bad}");
        }
    }
}
