# Was die Bots sagen (bots/src/texts.rs), außer Fehlern (errors.ftl).
# Vorbild ist en/bots.ftl. Befehlsnamen bleiben, wie sie sind.

## Hilfe und Datenschutz

help =
    Schick mir ein Bild, und ich wandle es um.

    { $convert } FORMAT [Optionen] — z. B. { $convert } webp 80 1600
    { $compress } [Größe] — kleinere Datei, z. B. { $compress } 500KB
    { $resize } N — die lange Seite auf N Pixel bringen
    { $pdf } — ein PDF machen (schick mehrere Bilder zusammen für mehrere Seiten)
    { $info } — was für ein Bild das ist
    { $formats } — was ich lese und schreibe
    { $privacy } — was mit deinen Bildern passiert
    { $history }, { $export }, { $forget } — dein Umwandlungsverlauf

    Optionen: Qualität 1-100, eine Größe wie 1600 oder 1600x1200, rotate=90, flip=h, max=500KB, lossless, bg=white, keep-metadata.
    Presets: { $presets } — z. B. { $convert } sticker; { $formats } sagt, was jedes macht.
processing = Dein Bild wird nur auf unserem Server verarbeitet, im Arbeitsspeicher, nie auf die Festplatte geschrieben und spätestens { $held } nach dem Eingang gelöscht. Telegram und Discord behalten, was sie transportieren (deinen Upload und die Datei, die ich zurückschicke), nach ihren eigenen Regeln, nicht nach unseren. Nichts, was du schickst, wird zum Trainieren von KI oder für Werbung verwendet.
held-hour = eine Stunde
held-minutes = { $minutes ->
        [1] eine Minute (also deutlich unter einer Stunde)
       *[other] { $minutes } Minuten (also deutlich unter einer Stunde)
    }
privacy =
    { $processing }
    Ich führe einen kleinen Verlauf darüber, wie Umwandlungen gelaufen sind (Formate, Größen, Einstellungen, Zeit), unter einem gesalzenen Hash deiner Nutzer-ID, nie die Bilder, ihre Namen oder deine Nachrichten. Ansehen mit /history, abschalten mit /history off, löschen mit /forget.
unknown-command =
    { $command } kenne ich nicht.

    { $help }

## Formate und Presets

formats =
    Ich lese: { $read }.
    Ich schreibe: { $write }.

    Presets (z. B. /convert sticker):
preset-sticker = Telegram-Sticker: WebP, lange Seite genau 512 px, höchstens 512 KB
preset-emoji = Discord-Emoji: PNG (eine Animation bleibt GIF), passt in 128x128, höchstens 256 KB
preset-avatar = Profilbild: das Quadrat aus der Mitte, 512x512 PNG
preset-thumbnail = Vorschaubild: WebP, passt in 320 px
preset-web = Für Webseiten: WebP Qualität 80, passt in 2048 px, nie vergrößert
preset-email = Für E-Mails: JPEG Qualität 75, passt in 1600 px, höchstens 1 MB

## Ergebnisse

frames = {" "}· { $frames } Einzelbilder
deleted-by = Unsere Kopie wird bis { $time } UTC aus dem Speicher gelöscht.
as-link = Die Datei ist zu groß, um sie hier zu schicken, lade sie also herunter: { $link }
some-failed = Einige Bilder wurden nicht umgewandelt: { $failure }
note-oriented = aufrecht gedreht
note-colour-converted = Farben nach sRGB umgerechnet
note-resized = auf { $width }x{ $height } skaliert
note-first-frame-only = das Zielformat kann keine Animation, daher wurde nur das erste von { $frames } Einzelbildern behalten
note-flattened = Transparenz mit { $colour } gefüllt
note-metadata-removed = Metadaten entfernt
note-quality-lowered = Qualität auf { $quality } gesenkt, damit es passt
note-shrunk-to-fit = auf { $width }x{ $height } verkleinert, damit es passt

## /info

no-metadata = Keine Metadaten.
carries-metadata = Enthält { $metadata }; beim Umwandeln entferne ich das, außer du fügst keep-metadata hinzu.
metadata-exif = EXIF (Kameradaten, vielleicht den Aufnahmeort)
metadata-icc = ein Farbprofil
metadata-both = { $first } und { $second }

## Hinweise

album-hint = Dein Album ist angekommen. Schick es noch einmal mit /pdf (ein PDF) oder /convert FORMAT als Bildunterschrift.
not-in-time = Tut mir leid, ich konnte nicht rechtzeitig antworten. Bitte versuch es noch einmal.
pick-format = In welches Format umwandeln?
convert-to = Umwandeln in …
image-by-caption-or-reply = Schick ein Bild mit diesem Befehl als Bildunterschrift, oder antworte damit auf ein Bild.
video-sticker = Dieser Sticker ist ein Video, und ich wandle nur Bilder um. Schick einen unbewegten oder einen WebP-Sticker.
gif-as-video = Telegram hat dieses GIF in ein Video verwandelt, und ich wandle nur Bilder um. Schick das GIF stattdessen als Datei (📎 → Datei).
video = Das ist ein Video, und ich wandle nur Bilder um.
attach-hint = Häng ein Bild (oder mehrere) an, und ich wandle es um. Füg Optionswörter wie `webp 80` oder `png resize=50%` hinzu, oder lass sie weg und wähle ein Format.

## Verlauf und /forget

forget-question = Deinen ganzen Umwandlungsverlauf löschen? Das lässt sich nicht rückgängig machen.
forget-yes = Ja, löschen
forget-no = Nein, behalten
forget-kept = Behalten. Nichts wurde gelöscht.
delete-now = 🗑 Jetzt löschen
deleted = Gelöscht. Das Ergebnis ist aus meinem Speicher und aus diesem Chat entfernt.
delete-named = 🗑 { $file } löschen
erased = { $records ->
        [0] Es gab nichts zu löschen. Dein Verlauf ist leer.
        [one] 1 Eintrag gelöscht. Dein Verlauf ist leer.
       *[other] { $records } Einträge gelöscht. Dein Verlauf ist leer.
    }
erase-failed = Ich konnte deinen Verlauf gerade nicht löschen. Versuch es in einer Minute noch einmal.
history-empty = Dein Verlauf enthält keine Umwandlungen.
history-title = Deine letzten Umwandlungen:
history-line = • vor { $days } T. { $time } UTC — { $conversion }
no-history-here = Auf diesem Server führe ich keinen Verlauf.
history-unreachable = Dein Verlauf ist gerade nicht erreichbar. Versuch es in einer Minute noch einmal.
history-paused = Erledigt: Ich zeichne deine Umwandlungen nicht mehr auf. Mit /history on geht es weiter.
history-resumed = Erledigt: Ich zeichne wieder auf, wie deine Umwandlungen laufen.
export-caption = Dein Umwandlungsverlauf: { $records ->
        [one] 1 Eintrag
       *[other] { $records } Einträge
    }.

## /auto

auto-in-private = /auto ist für Gruppen. Hier schick mir einfach Bilder.
auto-blind = {" "}Ich sehe Bilder hier erst, wenn der Betreiber des Bots den Message Content Intent einschaltet; bis dahin erwähne mich zusammen mit dem Bild.
auto-admins-only = Nur Admins { $place ->
        [group] der Gruppe
       *[server] des Servers
    } können die automatische Umwandlung ändern.
auto-off = Die automatische Umwandlung ist { $place ->
        [group] in dieser Gruppe
       *[channel] in diesem Kanal
    } aus.
auto-on = Die automatische Umwandlung ist an: Bilder, die hier gepostet werden, beantworte ich als { $words }.
until-restart = {" "}(Nur bis zu meinem Neustart: Ich konnte die Einstellung nicht speichern.)

## Das Befehlsmenü in Telegram

tg-convert = Ein Bild umwandeln: /convert webp 80 1600
tg-compress = Kleiner machen: /compress 500KB
tg-resize = Die lange Seite anpassen: /resize 1600
tg-pdf = Ein PDF aus einem Bild oder Album machen
tg-info = Was ist das für ein Bild?
tg-formats = Was ich lese und schreibe
tg-privacy = Was mit deinen Bildern passiert
tg-history = Deine letzten Umwandlungen (/history off zum Abschalten)
tg-export = Dein Verlauf als JSON-Datei
tg-forget = Deinen Verlauf löschen
tg-auto = Für Gruppen-Admins: /auto webp oder /auto off
tg-start = Hallo
tg-help = Wie du mich benutzt
