//! WebP output through the vendored libwebp: lossy with a quality, lossless,
//! and animations through its animation encoder (which picks lossy or
//! lossless per frame as the settings say and keeps every frame's delay).
//! All pointers libwebp hands out are freed here, on every path.

use std::ffi::c_int;
use std::mem::MaybeUninit;

use image::DynamicImage;
use libwebp_sys as sys;

use super::Settings;
use crate::UserError;
use crate::convert::decode::Frame;

/// libwebp's speed/size trade-off, 0 (fast) to 6 (small); 4 is its default
/// and what Pillow and libvips use.
const METHOD: c_int = 4;

pub fn encode(image: &DynamicImage, settings: &Settings) -> Result<Vec<u8>, UserError> {
    let config = config(settings)?;
    let mut picture = Picture::import(image, settings.lossless)?;
    let mut writer = Writer::new();
    picture.0.writer = Some(sys::WebPMemoryWrite);
    picture.0.custom_ptr = (&raw mut writer.0).cast();
    // SAFETY: config and picture are initialised; the writer outlives the call.
    let ok = unsafe { sys::WebPEncode(&config, &mut picture.0) };
    if ok == 0 {
        return Err(UserError::internal(format!(
            "WebPEncode failed: {:?}",
            picture.0.error_code
        )));
    }
    Ok(writer.take())
}

pub fn encode_animation(frames: &[Frame], settings: &Settings) -> Result<Vec<u8>, UserError> {
    let (width, height) = (frames[0].image.width(), frames[0].image.height());
    let config = config(settings)?;
    let mut options = MaybeUninit::<sys::WebPAnimEncoderOptions>::uninit();
    // SAFETY: initialises every field of `options`.
    let ok = unsafe {
        sys::WebPAnimEncoderOptionsInitInternal(
            options.as_mut_ptr(),
            sys::WEBP_MUX_ABI_VERSION as c_int,
        )
    };
    if ok == 0 {
        return Err(UserError::internal("WebPAnimEncoderOptionsInit failed"));
    }
    // SAFETY: initialised just above.
    let mut options = unsafe { options.assume_init() };
    options.anim_params.loop_count = 0;
    options.allow_mixed = 0;
    let encoder = AnimEncoder::new(width, height, &options)?;
    let mut timestamp: c_int = 0;
    for frame in frames {
        settings.deadline.check()?;
        let mut picture = Picture::import(&frame.image, true)?;
        // SAFETY: encoder, picture and config are valid for the call.
        let ok = unsafe { sys::WebPAnimEncoderAdd(encoder.0, &mut picture.0, timestamp, &config) };
        if ok == 0 {
            return Err(encoder.error("WebPAnimEncoderAdd"));
        }
        timestamp =
            timestamp.saturating_add(c_int::try_from(frame.delay_ms.max(1)).unwrap_or(c_int::MAX));
    }
    // SAFETY: a null frame marks the end at the last frame's end time.
    unsafe {
        sys::WebPAnimEncoderAdd(encoder.0, std::ptr::null_mut(), timestamp, std::ptr::null())
    };
    let mut data = sys::WebPData::default();
    // SAFETY: on success `data` owns a libwebp buffer, freed below.
    let ok = unsafe { sys::WebPAnimEncoderAssemble(encoder.0, &mut data) };
    if ok == 0 {
        return Err(encoder.error("WebPAnimEncoderAssemble"));
    }
    // SAFETY: `data` was filled by libwebp with `size` readable bytes.
    let out = unsafe { std::slice::from_raw_parts(data.bytes, data.size).to_vec() };
    // SAFETY: frees the buffer assembled above, once.
    unsafe { sys::WebPDataClear(&mut data) };
    Ok(out)
}

fn config(settings: &Settings) -> Result<sys::WebPConfig, UserError> {
    let mut config = MaybeUninit::<sys::WebPConfig>::uninit();
    let quality = f32::from(settings.quality);
    // SAFETY: initialises every field of `config`.
    let ok = unsafe {
        sys::WebPConfigInitInternal(
            config.as_mut_ptr(),
            sys::WebPPreset::WEBP_PRESET_DEFAULT,
            quality,
            sys::WEBP_ENCODER_ABI_VERSION as c_int,
        )
    };
    if ok == 0 {
        return Err(UserError::internal("WebPConfigInit failed"));
    }
    // SAFETY: initialised just above.
    let mut config = unsafe { config.assume_init() };
    config.method = METHOD;
    if settings.lossless {
        config.lossless = 1;
        config.quality = 75.0;
    }
    Ok(config)
}

/// A `WebPPicture` holding a copy of the pixels; freed on drop.
struct Picture(sys::WebPPicture);

impl Picture {
    /// `argb` keeps the pixels as ARGB (lossless and animation encoders
    /// need it); otherwise libwebp converts straight to YUV.
    fn import(image: &DynamicImage, argb: bool) -> Result<Self, UserError> {
        let mut raw = MaybeUninit::<sys::WebPPicture>::uninit();
        // SAFETY: initialises every field of the picture.
        let ok = unsafe {
            sys::WebPPictureInitInternal(raw.as_mut_ptr(), sys::WEBP_ENCODER_ABI_VERSION as c_int)
        };
        if ok == 0 {
            return Err(UserError::internal("WebPPictureInit failed"));
        }
        // SAFETY: initialised just above.
        let mut picture = Self(unsafe { raw.assume_init() });
        picture.0.use_argb = c_int::from(argb);
        picture.0.width = c_int::try_from(image.width()).map_err(UserError::internal)?;
        picture.0.height = c_int::try_from(image.height()).map_err(UserError::internal)?;
        let ok = if image.color().has_alpha() {
            let rgba = match image {
                DynamicImage::ImageRgba8(rgba) => std::borrow::Cow::Borrowed(rgba),
                other => std::borrow::Cow::Owned(other.to_rgba8()),
            };
            let stride = picture.0.width * 4;
            // SAFETY: `rgba` holds width*height*4 bytes; libwebp copies them.
            unsafe { sys::WebPPictureImportRGBA(&mut picture.0, rgba.as_ptr(), stride) }
        } else {
            let rgb = match image {
                DynamicImage::ImageRgb8(rgb) => std::borrow::Cow::Borrowed(rgb),
                other => std::borrow::Cow::Owned(other.to_rgb8()),
            };
            let stride = picture.0.width * 3;
            // SAFETY: `rgb` holds width*height*3 bytes; libwebp copies them.
            unsafe { sys::WebPPictureImportRGB(&mut picture.0, rgb.as_ptr(), stride) }
        };
        if ok == 0 {
            return Err(UserError::internal(
                "WebPPictureImport failed (out of memory?)",
            ));
        }
        Ok(picture)
    }
}

impl Drop for Picture {
    fn drop(&mut self) {
        // SAFETY: frees what import allocated; safe on an empty picture.
        unsafe { sys::WebPPictureFree(&mut self.0) }
    }
}

/// libwebp's growable output buffer; cleared on drop.
struct Writer(sys::WebPMemoryWriter);

impl Writer {
    fn new() -> Self {
        let mut raw = MaybeUninit::<sys::WebPMemoryWriter>::uninit();
        // SAFETY: initialises the writer to empty.
        unsafe { sys::WebPMemoryWriterInit(raw.as_mut_ptr()) };
        // SAFETY: initialised just above.
        Self(unsafe { raw.assume_init() })
    }

    fn take(&self) -> Vec<u8> {
        if self.0.mem.is_null() {
            return Vec::new();
        }
        // SAFETY: libwebp wrote `size` bytes at `mem`.
        unsafe { std::slice::from_raw_parts(self.0.mem, self.0.size).to_vec() }
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        // SAFETY: frees the buffer libwebp grew, once.
        unsafe { sys::WebPMemoryWriterClear(&mut self.0) }
    }
}

struct AnimEncoder(*mut sys::WebPAnimEncoder);

impl AnimEncoder {
    fn new(
        width: u32,
        height: u32,
        options: &sys::WebPAnimEncoderOptions,
    ) -> Result<Self, UserError> {
        let width = c_int::try_from(width).map_err(UserError::internal)?;
        let height = c_int::try_from(height).map_err(UserError::internal)?;
        // SAFETY: options are initialised; the encoder is deleted on drop.
        let raw = unsafe {
            sys::WebPAnimEncoderNewInternal(
                width,
                height,
                options,
                sys::WEBP_MUX_ABI_VERSION as c_int,
            )
        };
        if raw.is_null() {
            return Err(UserError::internal("WebPAnimEncoderNew failed"));
        }
        Ok(Self(raw))
    }

    fn error(&self, call: &str) -> UserError {
        // SAFETY: the encoder is valid; the message is a C string it owns.
        let message = unsafe {
            let text = sys::WebPAnimEncoderGetError(self.0);
            if text.is_null() {
                String::new()
            } else {
                std::ffi::CStr::from_ptr(text)
                    .to_string_lossy()
                    .into_owned()
            }
        };
        UserError::internal(format!("{call} failed: {message}"))
    }
}

impl Drop for AnimEncoder {
    fn drop(&mut self) {
        // SAFETY: created by WebPAnimEncoderNewInternal, deleted once.
        unsafe { sys::WebPAnimEncoderDelete(self.0) }
    }
}
