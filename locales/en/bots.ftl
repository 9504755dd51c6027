# What the bots say (bots/src/texts.rs), apart from errors (errors.ftl).
# English is the reference; plain text, no markup. Command names stay as
# they are in every language: they are what the user types.

## Help and privacy

# Each $command variable is a whole command as the platform shows it
# ("/convert"); $presets lists the preset names.
help =
    Send me an image and I'll convert it.

    { $convert } FORMAT [options] — e.g. { $convert } webp 80 1600
    { $compress } [size] — smaller file, e.g. { $compress } 500KB
    { $resize } N — fit the long side to N pixels
    { $pdf } — make a PDF (send several images together for several pages)
    { $info } — what the image is
    { $formats } — what I read and write
    { $privacy } — what happens to your images
    { $history }, { $export }, { $forget } — your conversion history

    Options: quality 1-100, a size like 1600 or 1600x1200, rotate=90, flip=h, max=500KB, lossless, bg=white, keep-metadata.
    Presets: { $presets } — e.g. { $convert } sticker; { $formats } says what each makes.
processing = Your image is processed on our server only, in memory, never written to disk, and deleted at most { $held } after it arrives. Telegram and Discord keep what they carry (your upload and the file I send back) under their own rules, not ours. Nothing you send is used to train AI or for advertising.
held-hour = one hour
held-minutes = { $minutes ->
        [1] a minute (well within one hour)
       *[other] { $minutes } minutes (well within one hour)
    }
privacy =
    { $processing }
    I keep a small history of how conversions went (formats, sizes, settings, time) under a salted hash of your user id, never the images, their names or your messages. See it with /history, stop it with /history off, erase it with /forget.
unknown-command =
    I don't know { $command }.

    { $help }

## Formats and presets

formats =
    I read: { $read }.
    I write: { $write }.

    Presets (e.g. /convert sticker):
preset-sticker = Telegram sticker: WebP, long side exactly 512 px, at most 512 KB
preset-emoji = Discord emoji: PNG (an animation stays GIF), fits 128x128, at most 256 KB
preset-avatar = Profile picture: the centre square, 512x512 PNG
preset-thumbnail = Thumbnail: WebP, fits 320 px
preset-web = For web pages: WebP quality 80, fits 2048 px, never enlarged
preset-email = For email: JPEG quality 75, fits 1600 px, at most 1 MB

## Results

frames = {" "}· { $frames } frames
deleted-by = Our copy is deleted from memory by { $time } UTC.
as-link = It's too big to send here, so download it: { $link }
some-failed = Some images weren't converted: { $failure }
note-oriented = turned upright
note-colour-converted = colours converted to sRGB
note-resized = resized to { $width }x{ $height }
note-first-frame-only = the target can't animate, so only the first of { $frames } frames was kept
note-flattened = transparency filled with { $colour }
note-metadata-removed = metadata removed
note-quality-lowered = quality lowered to { $quality } to fit
note-shrunk-to-fit = shrunk to { $width }x{ $height } to fit

## /info

no-metadata = No metadata.
carries-metadata = Carries { $metadata }; I remove it when converting unless you add keep-metadata.
metadata-exif = EXIF (camera details, maybe location)
metadata-icc = a colour profile
metadata-both = { $first } and { $second }

## Hints

album-hint = Got your album. Send it again with /pdf (one PDF) or /convert FORMAT as the caption.
not-in-time = Sorry, I couldn't answer that in time. Please try again.
pick-format = Convert to which format?
convert-to = Convert to…
image-by-caption-or-reply = Send an image with this command as its caption, or reply to an image with it.
video-sticker = That sticker is a video, and I only convert images. Send a still or a WebP sticker.
gif-as-video = Telegram turned that GIF into a video, and I only convert images. Send the GIF as a file (📎 → File) instead.
video = That is a video, and I only convert images.
attach-hint = Attach an image (or several) and I'll convert it. Add option words like `webp 80` or `png resize=50%`, or leave them out and pick a format.

## History and /forget

forget-question = Erase your whole conversion history? This can't be undone.
forget-yes = Yes, erase it
forget-no = No, keep it
forget-kept = Kept. Nothing was erased.
delete-now = 🗑 Delete now
deleted = Deleted. The result is gone from my memory and from this chat.
delete-named = 🗑 Delete { $file }
erased = { $records ->
        [0] There was nothing to erase. Your history is empty.
        [one] Erased 1 record. Your history is empty.
       *[other] Erased { $records } records. Your history is empty.
    }
erase-failed = I couldn't erase your history right now. Try again in a minute.
history-empty = You have no conversions in your history.
history-title = Your last conversions:
history-line = • { $days }d ago { $time } UTC — { $conversion }
no-history-here = I keep no history on this server.
history-unreachable = Your history can't be reached right now. Try again in a minute.
history-paused = Done: I won't record your conversions. Use /history on to resume.
history-resumed = Done: I'll record how your conversions go again.
export-caption = Your conversion history: { $records } records.

## /auto

auto-in-private = /auto is for groups. Here, just send me images.
auto-blind = {" "}I can only see images here when the bot's operator turns on the Message Content intent; until then, mention me with the image.
# $place is `group` (Telegram) or `server` (Discord).
auto-admins-only = Only { $place ->
        [group] group
       *[server] server
    } admins can change auto-convert.
# $place is `group` (Telegram) or `channel` (Discord).
auto-off = Auto-convert is off in this { $place ->
        [group] group
       *[channel] channel
    }.
auto-on = Auto-convert is on: images posted here are answered as { $words }.
until-restart = {" "}(Only until I restart: I couldn't save the setting.)

## Telegram's command menu (`setMyCommands`, per language)

tg-convert = Convert an image: /convert webp 80 1600
tg-compress = Make it smaller: /compress 500KB
tg-resize = Fit the long side: /resize 1600
tg-pdf = Make a PDF of an image or an album
tg-info = What is this image?
tg-formats = What I read and write
tg-privacy = What happens to your images
tg-history = Your last conversions (/history off to stop)
tg-export = Your history as a JSON file
tg-forget = Erase your history
tg-auto = Group admins: /auto webp or /auto off
tg-start = Hello
tg-help = How to use me
