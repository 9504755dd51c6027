# What `UserError` says, one message per error code (`UserError::code`).
# English is the reference: each sentence is the error's `Display`, to the
# byte, and every other language has the same messages.

unsupported-format = That is not an image I can read ({ $what }). Send a JPEG, PNG, GIF, WebP, HEIC, AVIF, BMP, TIFF, ICO, QOI, TGA or PNM file.
cannot-write = I can't write { $format } files. Pick one of: { $allowed }.
too-large = That file is { $size }; the limit is { $limit }. Send a smaller file.
too-many-pixels = That image is { $width }x{ $height } pixels{ $frames_note }; the limit is { $limit } megapixels. Send a smaller image.
too-many-frames = That animation has more than { $limit } frames; the limit is { $limit }.
too-complex = That file needs more memory to open than I allow (for example huge embedded metadata). Send a simpler file.
corrupt = That file looks damaged or incomplete ({ $format }), so I couldn't read it. Try exporting it again.
crop-outside = That crop starts outside the image, which is { $width }x{ $height }.
too-wide-for-format = { $format } can't be wider or taller than { $limit } pixels; this image is { $width }x{ $height }. Resize it or pick PNG or TIFF.
nothing-to-convert = I need an image for that. Send or attach one.
no-image-in-message = That message has no image in it.
images-gone = I couldn't read that message's images any more. It may have been deleted.
wrong-host = I only fetch images uploaded to this chat itself. Upload the image here.
empty-body = Send an image in the request body, or as the `file` field of a form.
form-unreadable = The upload form could not be read; send the image as a `file` field.
no-file-in-form = The form had no file in it; send the image as a `file` field.
too-many-files = That is more than { $limit } images at once. Send at most { $limit } in one go.
not-yours = Only the person who asked for this can delete it.
target-unreachable = I couldn't get the result under { $target } even at the lowest quality. Try a larger size or a smaller image.
timeout = That took too long to convert (over { $seconds } s). Try a smaller image or a simpler format.
busy = So many images are waiting that yours would take too long. Try again in { $seconds } s.
result-too-many-pixels = The result would be { $width }x{ $height } pixels{ $frames_note }; the limit is { $limit } megapixels. Ask for a smaller size.
result-too-large = The result would be about { $size } before compression; the limit is { $limit }. Ask for a smaller size or another format.
album-too-large = Those { $images } images come to more than { $limit } megapixels together, the most one PDF may hold. Send fewer or smaller images.
share-full = You already have as many results waiting in my memory as one person may. Try again in { $seconds } s, when older ones are gone.
unavailable = I can't reach my storage right now. Try again in { $seconds } s.
download-stalled = Your file stopped arriving before it was complete. Please send it again.
gone = That image is no longer in my memory (everything is deleted within the hour). Please send it again.
rate-limited = You're sending images faster than I can take them. Try again in { $seconds } s.
bad-link = This download link is not valid.
not-found = There is no such file.
no-history = This server keeps no history.
no-token = Send your browser token in the x-pixdrop-token header (16 to 128 characters).
history-unavailable = Your history can't be reached right now. Try again in { $seconds } s.
key-required = This API needs a key: send it as `Authorization: Bearer <key>`.
key-invalid = That API key is not valid (wrong, or revoked). Check it, or ask for a new one.
idempotency-conflict = That Idempotency-Key was already used for a different request. Use a new key for a new request.
internal = Something went wrong on my side (ref { $reference }). Please try again.

## Option words (`OptionError`)

unknown-word = I don't understand `{ $word }`. You can use: { allowed-words }.
allowed-words = a format (jpeg, png, webp, gif, avif, bmp, tiff, ico, qoi, tga, pnm, pdf), quality 1-100 (`80` or `q=80`), a size (`1600`, `1600x1200`, `50%`), `enlarge`, `crop=WxH+X+Y`, `rotate=90|180|270`, `flip=h|v`, a byte target (`max=500KB`), `lossless`, `progressive`, `bg=white` or `bg=#rrggbb`, `keep-metadata`, `no-orient`, `square` (centre square crop), `animated=gif` (format for animations), a preset (`sticker`, `preset=email`)
unknown-format = I don't know the format `{ $word }`. Pick one of: { $writable }.
two-formats = Name one target format only, e.g. `/convert webp`.
quality-out-of-range = Quality must be a number from 1 to 100, not `{ $word }`.
bad-resize = I can't read the size `{ $word }`. Write it like `1600` (long side), `1600x1200` (box) or `50%`.
bad-crop = I can't read the crop `{ $word }`. Write it as WIDTHxHEIGHT+X+Y, e.g. `crop=800x600+10+20`.
bad-rotation = I can only rotate by 90, 180 or 270 degrees, not `{ $word }`.
bad-flip = Flip is `flip=h` (left-right) or `flip=v` (top-bottom), not `{ $word }`.
bad-size-target = I can't read the size target `{ $word }`. Write it like `max=500KB` or `max=2MB`.
size-target-too-small = A size target must be at least 1KB, not `{ $word }`.
unknown-colour = I don't know the colour `{ $word }`. Use a name like `white` or a hex code like `#ff8800`.
unknown-preset = I don't know the preset `{ $word }`. Pick one of: { $known }.

## Parts of sentences

# After the pixel size of an animation: " x 12 frames".
frames-note = {" "}x { $frames } frames
# A size under 1 KB.
size-bytes = { $bytes } bytes
