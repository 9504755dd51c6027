# The upload page's static visible strings (bots/src/web/page.html) and
# the few sentences its script writes; the English must be exactly what
# page.html says, which page.rs's tests check. In the script's sentences,
# { $n }, { $size }, { $done } and { $total } stay as they are: the page
# fills them in.

page-title = pixdrop — convert images, keep nothing
page-promise = Convert, shrink, resize or rotate an image. It stays in memory only and is deleted within one hour. We keep nothing that can identify you or your file.
page-drop = Drop images here
page-or-click = or press to choose, or paste with Ctrl+V — JPEG, PNG, GIF, WebP, HEIC, AVIF, TIFF, BMP…
page-convert-to = Convert to
page-preset = Preset
page-no-preset = none — choose below
page-quality = Quality
page-longest-side = Longest side (px)
page-keep = keep
page-at-most = At most (e.g. 500KB)
page-no-limit = no limit
page-convert = Convert
page-uploading = Uploading…
page-converting = Converting…
page-your-result = Your result
page-converted = Converted image
page-format = Format
page-size = Size
page-pixels = Pixels
page-deleted-in = Deleted in
page-download = Download
page-delete-now = Delete now
page-deleted = Deleted — this link no longer works.
page-your-results = Your results
page-download-zip = Download all as ZIP
page-history = Your history
page-show = Show
page-export = Export
page-erase = Erase
page-held = The result is held for download, then deleted — at the latest one hour after upload.
page-recorded = We record only how a conversion went (formats, sizes, settings, time), never the picture or its name.
page-remembered = Your choices of format and quality are remembered in this browser only.
page-several = { $n } images · { $size }
page-ready = Your result is ready.
page-ready-batch = { $done } of { $total } images converted. The ZIP is ready.
page-failed = Something went wrong. Please try again.
page-nothing = Nothing recorded.
page-erase-confirm = Erase every record of your conversions? This can't be undone.
