# Die Anwendungsbefehle auf Discord. Vorbild ist en/discord.ftl; Namen
# kleingeschrieben, ohne Leerzeichen, höchstens 32 Zeichen.

cmd-convert = umwandeln
cmd-convert-about = Ein Bild in ein anderes Format umwandeln
cmd-compress = komprimieren
cmd-compress-about = Ein Bild kleiner machen
cmd-resize = skalieren
cmd-resize-about = Die Größe eines Bildes ändern
cmd-info = info
cmd-info-about = Was ist das für ein Bild?
cmd-formats = formate
cmd-formats-about = Was ich lese und schreibe, und die Presets
cmd-help = hilfe
cmd-help-about = Wie du mich benutzt
cmd-privacy = datenschutz
cmd-privacy-about = Was mit deinen Bildern passiert
cmd-history = verlauf
cmd-history-about = Deine letzten Umwandlungen
cmd-export = exportieren
cmd-export-about = Dein Umwandlungsverlauf als JSON-Datei
cmd-forget = vergessen
cmd-forget-about = Deinen Umwandlungsverlauf löschen
cmd-auto = auto
cmd-auto-about = Admins: jedes in diesem Kanal gepostete Bild umwandeln
cmd-convert-image = Bild umwandeln

opt-image = bild
opt-image-convert-about = Das Bild, das umgewandelt werden soll
opt-image-compress-about = Das Bild, das komprimiert werden soll
opt-image-resize-about = Das Bild, dessen Größe sich ändern soll
opt-image-info-about = Das Bild, das beschrieben werden soll
opt-format = format
opt-format-about = Zielformat
opt-preset = preset
opt-preset-about = Ein Preset: sticker, emoji, avatar, thumbnail, web, email (mehr unter /formate)
opt-quality = qualität
opt-quality-about = Qualität 1-100
opt-size = größe
opt-size-about = Lange Seite wie 1600, ein Rahmen wie 1600x1200, oder 50%
opt-options = optionen
opt-options-about = Weitere Optionswörter: rotate=90 flip=h max=500KB lossless …
opt-target = ziel
opt-target-about = Höchstgröße, wie 500KB oder 2MB
opt-recording = aufzeichnung
opt-recording-about = Aufzeichnung anhalten oder fortsetzen
choice-off = aus
choice-on = an
opt-off = aus
opt-off-about = Irgendetwas eingeben, um aufzuhören
