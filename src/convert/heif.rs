//! HEIC/HEIF and AVIF decoding, and AVIF encoding, through the system
//! libheif in builds with the `heif` feature (build.rs links it through
//! pkg-config). Only the handful of C functions used here are declared, so
//! no bindgen is needed. Dimensions are checked against the limits before
//! libheif is asked to decode anything.

use image::DynamicImage;

use crate::UserError;
use crate::limits::Limits;

/// Whether this build can decode HEIC and AVIF.
pub const AVAILABLE: bool = cfg!(feature = "heif");

/// A decoded HEIF-family image: pixels (transformations such as `irot`
/// already applied by libheif) and the ICC profile, if any.
pub struct Decoded {
    pub image: DynamicImage,
    pub icc: Option<Vec<u8>>,
}

#[cfg(not(feature = "heif"))]
pub fn decode(_bytes: &[u8], _limits: &Limits, format: &str) -> Result<Decoded, UserError> {
    Err(UserError::UnsupportedFormat {
        what: format!("{format}, which this server was built without"),
    })
}

/// What the container says of the primary image, without decoding it.
pub struct Header {
    pub width: u32,
    pub height: u32,
    pub alpha: bool,
    pub icc: Option<Vec<u8>>,
}

#[cfg(not(feature = "heif"))]
pub fn header(_bytes: &[u8], format: &str) -> Result<Header, UserError> {
    Err(UserError::UnsupportedFormat {
        what: format!("{format}, which this server was built without"),
    })
}

#[cfg(feature = "heif")]
pub fn header(bytes: &[u8], format: &str) -> Result<Header, UserError> {
    let corrupt = || UserError::Corrupt {
        format: format.to_string(),
    };
    let context = sys::Context::read(bytes).ok_or_else(corrupt)?;
    let handle = context.primary().ok_or_else(corrupt)?;
    let (width, height) = handle.dimensions();
    Ok(Header {
        width,
        height,
        alpha: handle.has_alpha(),
        icc: handle.icc(),
    })
}

#[cfg(feature = "heif")]
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
        image::RgbaImage::from_raw(width, height, pixels).map(DynamicImage::ImageRgba8)
    } else {
        image::RgbImage::from_raw(width, height, pixels).map(DynamicImage::ImageRgb8)
    };
    Ok(Decoded {
        image: image.ok_or_else(corrupt)?,
        icc,
    })
}

/// AVIF through libheif's AV1 encoder (libaom: several times faster than
/// rav1e at the same quality); `None` when this build or the installed
/// libheif has no AV1 encoder, so the caller falls back.
/// `metadata` is the ICC profile and EXIF to carry, when kept.
#[cfg(feature = "heif")]
pub fn encode_avif(
    image: &DynamicImage,
    quality: u8,
    metadata: (Option<&[u8]>, Option<&[u8]>),
) -> Option<Vec<u8>> {
    sys::encode_avif(image, quality, metadata)
}

#[cfg(not(feature = "heif"))]
pub fn encode_avif(
    _image: &DynamicImage,
    _quality: u8,
    _metadata: (Option<&[u8]>, Option<&[u8]>),
) -> Option<Vec<u8>> {
    None
}

#[cfg(feature = "heif")]
mod sys {
    //! The libheif calls, each wrapped so that every pointer is freed once.

    use std::ffi::{CStr, c_char, c_int, c_void};
    use std::ptr;
    use std::sync::{Once, OnceLock};

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

    #[repr(C)]
    struct RawEncoder {
        _private: [u8; 0],
    }

    #[repr(C)]
    struct Writer {
        writer_api_version: c_int,
        write:
            unsafe extern "C" fn(*mut RawContext, *const c_void, usize, *mut c_void) -> HeifError,
    }

    const COMPRESSION_AV1: c_int = 4;
    /// libaom's speed/size trade-off (0 slow … 9 fast); Pillow uses 6.
    const AOM_SPEED: c_int = 6;

    unsafe extern "C" {
        fn heif_context_get_encoder_for_format(
            ctx: *mut RawContext,
            format: c_int,
            encoder: *mut *mut RawEncoder,
        ) -> HeifError;
        fn heif_encoder_release(encoder: *mut RawEncoder);
        fn heif_encoder_set_lossy_quality(encoder: *mut RawEncoder, quality: c_int) -> HeifError;
        fn heif_encoder_set_parameter_integer(
            encoder: *mut RawEncoder,
            name: *const c_char,
            value: c_int,
        ) -> HeifError;
        fn heif_encoder_set_parameter_string(
            encoder: *mut RawEncoder,
            name: *const c_char,
            value: *const c_char,
        ) -> HeifError;
        fn heif_image_create(
            width: c_int,
            height: c_int,
            colorspace: c_int,
            chroma: c_int,
            out: *mut *mut RawImage,
        ) -> HeifError;
        fn heif_image_add_plane(
            image: *mut RawImage,
            channel: c_int,
            width: c_int,
            height: c_int,
            bit_depth: c_int,
        ) -> HeifError;
        fn heif_image_get_plane(
            image: *mut RawImage,
            channel: c_int,
            stride: *mut c_int,
        ) -> *mut u8;
        fn heif_image_set_raw_color_profile(
            image: *mut RawImage,
            fourcc: *const c_char,
            data: *const c_void,
            size: usize,
        ) -> HeifError;
        fn heif_context_add_exif_metadata(
            ctx: *mut RawContext,
            handle: *const RawHandle,
            data: *const c_void,
            size: c_int,
        ) -> HeifError;
        fn heif_context_encode_image(
            ctx: *mut RawContext,
            image: *const RawImage,
            encoder: *mut RawEncoder,
            options: *const c_void,
            out: *mut *mut RawHandle,
        ) -> HeifError;
        fn heif_context_write(
            ctx: *mut RawContext,
            writer: *mut Writer,
            userdata: *mut c_void,
        ) -> HeifError;
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

    #[repr(C)]
    struct RawDecoderDescriptor {
        _private: [u8; 0],
    }

    /// `heif_decoding_options` up to `decoder_id` (version 4, libheif 1.15).
    /// Always allocated by libheif, which may add fields after these.
    #[repr(C)]
    struct DecodingOptions {
        version: u8,
        ignore_transformations: u8,
        start_progress: *const c_void,
        on_progress: *const c_void,
        end_progress: *const c_void,
        progress_user_data: *mut c_void,
        convert_hdr_to_8bit: u8,
        strict_decoding: u8,
        decoder_id: *const c_char,
    }

    unsafe extern "C" {
        fn heif_decoding_options_alloc() -> *mut DecodingOptions;
        fn heif_decoding_options_free(options: *mut DecodingOptions);
        fn heif_get_decoder_descriptors(
            format: c_int,
            out: *mut *const RawDecoderDescriptor,
            count: c_int,
        ) -> c_int;
        fn heif_decoder_descriptor_get_id_name(
            descriptor: *const RawDecoderDescriptor,
        ) -> *const c_char;
    }

    /// libheif's AV1 decoder that says nothing about damaged input. dav1d,
    /// libheif's first choice, prints its complaints to stderr (`Error
    /// parsing OBU data`), which libheif can't quiet, and leaks on some of
    /// them; libaom's decoder only returns its error. So AV1 images are
    /// decoded by libaom whenever this libheif has it.
    const QUIET_AV1_DECODER: &CStr = c"aom";
    /// libheif's answer when the chosen decoder can't decode the image's
    /// codec (`heif_error_Unsupported_feature`, `_Unsupported_codec`).
    const UNSUPPORTED_CODEC: (c_int, c_int) = (4, 3000);

    fn has_quiet_av1_decoder() -> bool {
        static FOUND: OnceLock<bool> = OnceLock::new();
        *FOUND.get_or_init(|| {
            init();
            let mut found = [ptr::null(); 16];
            // SAFETY: libheif writes at most `found.len()` static descriptors
            // and returns how many; each has a NUL-terminated static id.
            unsafe {
                let count = heif_get_decoder_descriptors(
                    COMPRESSION_AV1,
                    found.as_mut_ptr(),
                    found.len() as c_int,
                );
                found[..count.clamp(0, found.len() as c_int) as usize]
                    .iter()
                    .any(|d| {
                        CStr::from_ptr(heif_decoder_descriptor_get_id_name(*d)) == QUIET_AV1_DECODER
                    })
            }
        })
    }

    /// Decoding options naming the quiet AV1 decoder, so that libheif
    /// refuses (`UNSUPPORTED_CODEC`) any image that is not AV1.
    struct Options(*mut DecodingOptions);

    impl Options {
        fn quiet_av1() -> Option<Self> {
            if !has_quiet_av1_decoder() {
                return None;
            }
            // SAFETY: allocated by libheif with every field it knows set to
            // its default; `decoder_id` is written only where the version
            // says the field exists, and points at a static string.
            unsafe {
                let options = heif_decoding_options_alloc();
                if options.is_null() {
                    return None;
                }
                if (*options).version >= 4 {
                    (*options).decoder_id = QUIET_AV1_DECODER.as_ptr();
                }
                Some(Self(options))
            }
        }
    }

    impl Drop for Options {
        fn drop(&mut self) {
            // SAFETY: allocated by heif_decoding_options_alloc, freed once.
            unsafe { heif_decoding_options_free(self.0) }
        }
    }

    static INIT: Once = Once::new();

    fn init() {
        // SAFETY: heif_init is reference counted and thread safe; it is
        // called once and never paired with deinit, keeping plugins loaded.
        INIT.call_once(|| unsafe {
            heif_init(ptr::null_mut());
        });
    }

    struct Encoder(*mut RawEncoder);

    impl Drop for Encoder {
        fn drop(&mut self) {
            // SAFETY: obtained from heif_context_get_encoder_for_format, released once.
            unsafe { heif_encoder_release(self.0) }
        }
    }

    /// Collects what libheif writes.
    unsafe extern "C" fn collect(
        _ctx: *mut RawContext,
        data: *const c_void,
        size: usize,
        out: *mut c_void,
    ) -> HeifError {
        // SAFETY: `out` is the Vec passed to heif_context_write below and
        // `data` holds `size` bytes for the duration of this call.
        unsafe {
            let out = &mut *out.cast::<Vec<u8>>();
            out.extend_from_slice(std::slice::from_raw_parts(data.cast::<u8>(), size));
        }
        HeifError {
            code: 0,
            subcode: 0,
            message: c"ok".as_ptr(),
        }
    }

    pub fn encode_avif(
        image: &image::DynamicImage,
        quality: u8,
        (icc, exif): (Option<&[u8]>, Option<&[u8]>),
    ) -> Option<Vec<u8>> {
        init();
        let alpha = image.color().has_alpha();
        let pixels = if alpha {
            image.to_rgba8().into_raw()
        } else {
            image.to_rgb8().into_raw()
        };
        let channels = if alpha { 4 } else { 3 };
        let width = c_int::try_from(image.width()).ok()?;
        let height = c_int::try_from(image.height()).ok()?;
        // SAFETY: a fresh context, freed by `Context`'s Drop.
        let raw = unsafe { heif_context_alloc() };
        if raw.is_null() {
            return None;
        }
        let context = Context { raw, _bytes: &[] };
        let mut encoder = ptr::null_mut();
        // SAFETY: valid context; the encoder is released by `Encoder`'s Drop.
        let err = unsafe {
            heif_context_get_encoder_for_format(context.raw, COMPRESSION_AV1, &mut encoder)
        };
        if err.code != 0 || encoder.is_null() {
            return None;
        }
        let encoder = Encoder(encoder);
        // The pool grants an AVIF job its threads; outside the pool (a
        // direct library call) the machine's.
        let threads = crate::pool::granted_threads()
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
        let threads = c_int::try_from(threads).unwrap_or(1);
        // SAFETY: valid encoder; parameter names are NUL-terminated literals.
        unsafe {
            checked(
                heif_encoder_set_lossy_quality(encoder.0, c_int::from(quality)),
                "quality",
            )?;
            checked(
                heif_encoder_set_parameter_integer(encoder.0, c"speed".as_ptr(), AOM_SPEED),
                "speed",
            )?;
            checked(
                heif_encoder_set_parameter_integer(encoder.0, c"threads".as_ptr(), threads),
                "threads",
            )?;
            checked(
                heif_encoder_set_parameter_string(encoder.0, c"chroma".as_ptr(), c"420".as_ptr()),
                "chroma",
            )?;
        }
        let chroma = if alpha {
            CHROMA_INTERLEAVED_RGBA
        } else {
            CHROMA_INTERLEAVED_RGB
        };
        let mut raw_image = ptr::null_mut();
        // SAFETY: creates an empty image, released by `Image`'s Drop.
        let err =
            unsafe { heif_image_create(width, height, COLORSPACE_RGB, chroma, &mut raw_image) };
        checked(err, "create image")?;
        if raw_image.is_null() {
            return None;
        }
        let heif_image = Image(raw_image);
        // SAFETY: the plane is allocated by libheif with `stride` bytes a row
        // for `height` rows; each row copied is `width * channels` bytes.
        unsafe {
            checked(
                heif_image_add_plane(heif_image.0, CHANNEL_INTERLEAVED, width, height, 8),
                "add plane",
            )?;
            let mut stride: c_int = 0;
            let plane = heif_image_get_plane(heif_image.0, CHANNEL_INTERLEAVED, &mut stride);
            let row = width as usize * channels;
            if plane.is_null() || (stride as usize) < row {
                return None;
            }
            for (y, source) in pixels.chunks_exact(row).enumerate() {
                std::ptr::copy_nonoverlapping(source.as_ptr(), plane.add(y * stride as usize), row);
            }
        }
        if let Some(icc) = icc {
            // SAFETY: libheif copies `icc.len()` bytes from a live slice.
            let err = unsafe {
                heif_image_set_raw_color_profile(
                    heif_image.0,
                    c"prof".as_ptr(),
                    icc.as_ptr().cast(),
                    icc.len(),
                )
            };
            checked(err, "colour profile")?;
        }
        let mut handle = ptr::null_mut();
        // SAFETY: all pointers valid; `EncodedHandle` releases the handle.
        let err = unsafe {
            heif_context_encode_image(
                context.raw,
                heif_image.0,
                encoder.0,
                ptr::null(),
                &mut handle,
            )
        };
        // Released on every path below, once.
        let handle = EncodedHandle(handle);
        checked(err, "encode")?;
        if handle.0.is_null() {
            return None;
        }
        if let Some(exif) = exif {
            let size = c_int::try_from(exif.len()).ok()?;
            // SAFETY: valid context and handle; libheif copies the bytes.
            let err = unsafe {
                heif_context_add_exif_metadata(context.raw, handle.0, exif.as_ptr().cast(), size)
            };
            checked(err, "EXIF")?;
        }
        let mut out = Vec::new();
        let mut writer = Writer {
            writer_api_version: 1,
            write: collect,
        };
        // SAFETY: `writer` and `out` outlive the call; `collect` appends to `out`.
        let err = unsafe { heif_context_write(context.raw, &mut writer, (&raw mut out).cast()) };
        checked(err, "write")?;
        (!out.is_empty()).then_some(out)
    }

    /// `Some` when libheif reports success; otherwise says which step failed
    /// (at debug level: the caller falls back to another encoder).
    fn checked(err: HeifError, step: &str) -> Option<()> {
        if err.code == 0 {
            return Some(());
        }
        tracing::debug!(
            code = err.code,
            subcode = err.subcode,
            "libheif AVIF encoding failed at {step}"
        );
        None
    }

    /// The handle `heif_context_encode_image` hands out, released once.
    struct EncodedHandle(*mut RawHandle);

    impl Drop for EncodedHandle {
        fn drop(&mut self) {
            if !self.0.is_null() {
                // SAFETY: returned by heif_context_encode_image, released once.
                unsafe { heif_image_handle_release(self.0) }
            }
        }
    }

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
            init();
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

        /// Decodes to interleaved 8-bit RGB or RGBA, rows packed: AV1 with
        /// the quiet decoder, anything else with libheif's default.
        pub fn decode(&self, alpha: bool) -> Option<Vec<u8>> {
            let chroma = if alpha {
                CHROMA_INTERLEAVED_RGBA
            } else {
                CHROMA_INTERLEAVED_RGB
            };
            let channels = if alpha { 4 } else { 3 };
            let decode = |options: *const DecodingOptions, raw: &mut *mut RawImage| {
                // SAFETY: a valid handle and options (or null, for defaults)
                // that outlive the call; the image is released by `Image`'s Drop.
                unsafe { heif_decode_image(self.raw, raw, COLORSPACE_RGB, chroma, options.cast()) }
            };
            let mut raw = ptr::null_mut();
            let mut err = match Options::quiet_av1() {
                Some(options) => decode(options.0, &mut raw),
                None => decode(ptr::null(), &mut raw),
            };
            if (err.code, err.subcode) == UNSUPPORTED_CODEC {
                err = decode(ptr::null(), &mut raw);
            }
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
