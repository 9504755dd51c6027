//! GIF output: every frame quantised to its own 256-colour palette, looping
//! forever like the animations people share.

use image::codecs::gif::{GifEncoder, Repeat};
use image::{Delay, Frame as ImageFrame};

use crate::UserError;
use crate::convert::decode::Frame;

use super::Settings;

/// NeuQuant sampling factor: 1 is best and slowest, 30 fastest.
const QUANTISER_SPEED: i32 = 10;

pub fn encode(frames: &[Frame], settings: &Settings) -> Result<Vec<u8>, UserError> {
    let mut out = Vec::new();
    {
        let mut encoder = GifEncoder::new_with_speed(&mut out, QUANTISER_SPEED);
        if frames.len() > 1 {
            encoder
                .set_repeat(Repeat::Infinite)
                .map_err(UserError::internal)?;
        }
        for frame in frames {
            settings.deadline.check()?;
            let delay = Delay::from_numer_denom_ms(frame.delay_ms, 1);
            let frame = ImageFrame::from_parts(frame.image.to_rgba8(), 0, 0, delay);
            encoder.encode_frame(frame).map_err(UserError::internal)?;
        }
    }
    Ok(out)
}
