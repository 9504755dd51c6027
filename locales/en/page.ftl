# The upload page's static visible strings (bots/src/web/page.html); the
# English must be exactly what page.html says, which page.rs's tests check.

page-title = pixdrop — convert images, keep nothing
page-promise = Convert, shrink, resize or rotate an image. It stays in memory only and is deleted within one hour. We keep nothing that can identify you or your file.
page-choose = Choose an image
page-drop = Drop an image here
page-or-click = or click to choose — JPEG, PNG, GIF, WebP, HEIC, AVIF, TIFF, BMP…
page-convert-to = Convert to
page-preset = Preset
page-no-preset = none — choose below
page-quality = Quality
page-longest-side = Longest side (px)
page-keep = keep
page-at-most = At most (e.g. 500KB)
page-no-limit = no limit
page-convert = Convert
page-converted = Converted image
page-format = Format
page-size = Size
page-pixels = Pixels
page-deleted-in = Deleted in
page-download = Download
page-history = Your history
page-show = Show
page-export = Export
page-erase = Erase
page-held = The result is held for download, then deleted — at the latest one hour after upload.
page-recorded = We record only how a conversion went (formats, sizes, settings, time), never the picture or its name.
