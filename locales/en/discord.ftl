# Discord's application commands: each command's name (`cmd-NAME`, what a
# user types; lowercase, no spaces, at most 32 characters) and description
# (`cmd-NAME-about`, at most 100 characters), then the options'. English
# is what is registered as the default.

cmd-convert = convert
cmd-convert-about = Convert an image to another format
cmd-compress = compress
cmd-compress-about = Make an image smaller
cmd-resize = resize
cmd-resize-about = Resize an image
cmd-info = info
cmd-info-about = What is this image?
cmd-formats = formats
cmd-formats-about = What I read and write, and the presets
cmd-help = help
cmd-help-about = How to use me
cmd-privacy = privacy
cmd-privacy-about = What happens to your images
cmd-history = history
cmd-history-about = Your last conversions
cmd-export = export
cmd-export-about = Your conversion history as a JSON file
cmd-forget = forget
cmd-forget-about = Erase your conversion history
cmd-auto = auto
cmd-auto-about = Admins: convert every image posted in this channel
# The message context menu; may have spaces and capitals.
cmd-convert-image = Convert image

opt-image = image
opt-image-convert-about = The image to convert
opt-image-compress-about = The image to compress
opt-image-resize-about = The image to resize
opt-image-info-about = The image to describe
opt-format = format
opt-format-about = Format to convert to
opt-preset = preset
opt-preset-about = A preset: sticker, emoji, avatar, thumbnail, web, email (more in /formats)
opt-quality = quality
opt-quality-about = Quality 1-100
opt-size = size
opt-size-about = Long side like 1600, a box like 1600x1200, or 50%
opt-options = options
opt-options-about = More option words: rotate=90 flip=h max=500KB lossless …
opt-target = target
opt-target-about = Largest size, like 500KB or 2MB
opt-recording = recording
opt-recording-about = Stop or resume recording
choice-off = off
choice-on = on
opt-off = off
opt-off-about = Type off to stop
