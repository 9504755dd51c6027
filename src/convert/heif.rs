//! HEIC/HEIF and AVIF decoding through the system libheif, when the build
//! found it (see build.rs). Only the handful of C functions used here are
//! declared, so no headers or bindgen are needed. Dimensions are checked
//! against the limits before libheif is asked to decode anything.

use image::{DynamicImage, RgbImage, RgbaImage};

use crate::UserError;
use crate::limits::Limits;

/// Whether this build can decode HEIC and AVIF.
pub const AVAILABLE: bool = cfg!(pixdrop_heif);

/// A decoded HEIF-family image: pixels (transformations such as `irot`
/// already applied by libheif) and the ICC profile, if any.
pub struct Decoded {
    pub image: DynamicImage,
    pub icc: Option<Vec<u8>>,
}

#[cfg(not(pixdrop_heif))]
pub fn decode(_bytes: &[u8], _limits: &Limits, format: &str) -> Result<Decoded, UserError> {
    Err(UserError::UnsupportedFormat {
        what: format!("{format}, which this server was built without"),
    })
}

#[cfg(pixdrop_heif)]
pub fn decode(bytes: &[u8], limits: &Limits, format: &str) -> Result<Decoded, UserError> {
    let corrupt = || UserError::Corrupt {
        format: format.to_string(),
    };
    let context = sys::Context::read(bytes).ok_or_else(corrupt)?;
    let handle = context.primary().ok_or_else(corrupt)?;
    let (width, height) = handle.dimensions();
    limits.check_canvas(width, height, 1)?;
    let icc = handle.icc();
    let alpha = handle.has_alpha();
    let pixels = handle.decode(alpha).ok_or_else(corrupt)?;
    let image = if alpha {
        RgbaImage::from_raw(width, height, pixels).map(DynamicImage::ImageRgba8)
    } else {
        RgbImage::from_raw(width, height, pixels).map(DynamicImage::ImageRgb8)
    };
    Ok(Decoded {
        image: image.ok_or_else(corrupt)?,
        icc,
    })
}

#[cfg(pixdrop_heif)]
mod sys {
    //! The libheif calls, each wrapped so that every pointer is freed once.

    use std::ffi::{c_char, c_int, c_void};
    use std::ptr;
    use std::sync::Once;

    #[repr(C)]
    struct HeifError {
        code: c_int,
        subcode: c_int,
        message: *const c_char,
    }

    #[repr(C)]
    struct RawContext {
        _private: [u8; 0],
    }
    #[repr(C)]
    struct RawHandle {
        _private: [u8; 0],
    }
    #[repr(C)]
    struct RawImage {
        _private: [u8; 0],
    }

    const COLORSPACE_RGB: c_int = 1;
    const CHROMA_INTERLEAVED_RGB: c_int = 10;
    const CHROMA_INTERLEAVED_RGBA: c_int = 11;
    const CHANNEL_INTERLEAVED: c_int = 10;

    unsafe extern "C" {
        fn heif_init(params: *mut c_void) -> HeifError;
        fn heif_context_alloc() -> *mut RawContext;
        fn heif_context_free(ctx: *mut RawContext);
        fn heif_context_read_from_memory_without_copy(
            ctx: *mut RawContext,
            mem: *const c_void,
            size: usize,
            options: *const c_void,
        ) -> HeifError;
        fn heif_context_get_primary_image_handle(
            ctx: *mut RawContext,
            handle: *mut *mut RawHandle,
        ) -> HeifError;
        fn heif_image_handle_release(handle: *const RawHandle);
        fn heif_image_handle_get_width(handle: *const RawHandle) -> c_int;
        fn heif_image_handle_get_height(handle: *const RawHandle) -> c_int;
        fn heif_image_handle_has_alpha_channel(handle: *const RawHandle) -> c_int;
        fn heif_image_handle_get_raw_color_profile_size(handle: *const RawHandle) -> usize;
        fn heif_image_handle_get_raw_color_profile(
            handle: *const RawHandle,
            out: *mut c_void,
        ) -> HeifError;
        fn heif_decode_image(
            handle: *const RawHandle,
            out: *mut *mut RawImage,
            colorspace: c_int,
            chroma: c_int,
            options: *const c_void,
        ) -> HeifError;
        fn heif_image_get_plane_readonly(
            image: *const RawImage,
            channel: c_int,
            stride: *mut c_int,
        ) -> *const u8;
        fn heif_image_get_width(image: *const RawImage, channel: c_int) -> c_int;
        fn heif_image_get_height(image: *const RawImage, channel: c_int) -> c_int;
        fn heif_image_release(image: *const RawImage);
    }

    static INIT: Once = Once::new();

    /// A parsed file. Borrows the input bytes: libheif reads them in place.
    pub struct Context<'a> {
        raw: *mut RawContext,
        _bytes: &'a [u8],
    }

    pub struct Handle<'c> {
        raw: *mut RawHandle,
        _context: &'c Context<'c>,
    }

    struct Image(*mut RawImage);

    impl<'a> Context<'a> {
        pub fn read(bytes: &'a [u8]) -> Option<Self> {
            // SAFETY: heif_init is reference counted and thread safe; it is
            // called once and never paired with deinit, keeping plugins loaded.
            INIT.call_once(|| unsafe {
                heif_init(ptr::null_mut());
            });
            // SAFETY: a fresh context; freed in Drop.
            let raw = unsafe { heif_context_alloc() };
            if raw.is_null() {
                return None;
            }
            let context = Self { raw, _bytes: bytes };
            // SAFETY: `bytes` outlives the context (lifetime 'a).
            let err = unsafe {
                heif_context_read_from_memory_without_copy(
                    raw,
                    bytes.as_ptr().cast(),
                    bytes.len(),
                    ptr::null(),
                )
            };
            (err.code == 0).then_some(context)
        }

        pub fn primary(&self) -> Option<Handle<'_>> {
            let mut raw = ptr::null_mut();
            // SAFETY: the context is valid; the handle is released in Drop.
            let err = unsafe { heif_context_get_primary_image_handle(self.raw, &mut raw) };
            (err.code == 0 && !raw.is_null()).then_some(Handle {
                raw,
                _context: self,
            })
        }
    }

    impl Drop for Context<'_> {
        fn drop(&mut self) {
            // SAFETY: allocated by heif_context_alloc, freed once.
            unsafe { heif_context_free(self.raw) }
        }
    }

    impl Handle<'_> {
        pub fn dimensions(&self) -> (u32, u32) {
            // SAFETY: a valid handle.
            let (w, h) = unsafe {
                (
                    heif_image_handle_get_width(self.raw),
                    heif_image_handle_get_height(self.raw),
                )
            };
            (w.max(0) as u32, h.max(0) as u32)
        }

        pub fn has_alpha(&self) -> bool {
            // SAFETY: a valid handle.
            unsafe { heif_image_handle_has_alpha_channel(self.raw) != 0 }
        }

        pub fn icc(&self) -> Option<Vec<u8>> {
            // SAFETY: a valid handle; the buffer has the size libheif reports.
            unsafe {
                let size = heif_image_handle_get_raw_color_profile_size(self.raw);
                if size == 0 || size > 4 << 20 {
                    return None;
                }
                let mut icc = vec![0u8; size];
                let err =
                    heif_image_handle_get_raw_color_profile(self.raw, icc.as_mut_ptr().cast());
                (err.code == 0).then_some(icc)
            }
        }

        /// Decodes to interleaved 8-bit RGB or RGBA, rows packed.
        pub fn decode(&self, alpha: bool) -> Option<Vec<u8>> {
            let chroma = if alpha {
                CHROMA_INTERLEAVED_RGBA
            } else {
                CHROMA_INTERLEAVED_RGB
            };
            let channels = if alpha { 4 } else { 3 };
            let mut raw = ptr::null_mut();
            // SAFETY: a valid handle; the image is released by `Image`'s Drop.
            let err = unsafe {
                heif_decode_image(self.raw, &mut raw, COLORSPACE_RGB, chroma, ptr::null())
            };
            if err.code != 0 || raw.is_null() {
                return None;
            }
            let image = Image(raw);
            let mut stride: c_int = 0;
            // SAFETY: the plane lives as long as `image`; every row read is
            // within `stride * height` bytes as libheif reports them.
            unsafe {
                let width = heif_image_get_width(image.0, CHANNEL_INTERLEAVED);
                let height = heif_image_get_height(image.0, CHANNEL_INTERLEAVED);
                let plane =
                    heif_image_get_plane_readonly(image.0, CHANNEL_INTERLEAVED, &mut stride);
                if plane.is_null() || width <= 0 || height <= 0 {
                    return None;
                }
                let (expected_w, expected_h) = self.dimensions();
                if width as u32 != expected_w || height as u32 != expected_h {
                    return None;
                }
                let row = width as usize * channels;
                if (stride as usize) < row {
                    return None;
                }
                let mut pixels = Vec::with_capacity(row * height as usize);
                for y in 0..height as usize {
                    let start = plane.add(y * stride as usize);
                    pixels.extend_from_slice(std::slice::from_raw_parts(start, row));
                }
                Some(pixels)
            }
        }
    }

    impl Drop for Handle<'_> {
        fn drop(&mut self) {
            // SAFETY: obtained from the context, released once.
            unsafe { heif_image_handle_release(self.raw) }
        }
    }

    impl Drop for Image {
        fn drop(&mut self) {
            // SAFETY: obtained from heif_decode_image, released once.
            unsafe { heif_image_release(self.0) }
        }
    }
}
