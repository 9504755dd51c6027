# Was `UserError` sagt, eine Nachricht je Fehlercode. Vorbild ist en/errors.ftl.

unsupported-format = Das ist kein Bild, das ich lesen kann ({ $what }). Schick eine JPEG-, PNG-, GIF-, WebP-, HEIC-, AVIF-, BMP-, TIFF-, ICO-, QOI-, TGA- oder PNM-Datei.
cannot-write = { $format }-Dateien kann ich nicht schreiben. Wähle eines davon: { $allowed }.
too-large = Die Datei ist { $size } groß; erlaubt sind { $limit }. Schick eine kleinere Datei.
too-many-pixels = Das Bild hat { $width }x{ $height } Pixel{ $frames_note }; erlaubt sind { $limit } Megapixel. Schick ein kleineres Bild.
too-many-frames = Die Animation hat mehr als { $limit } Einzelbilder; erlaubt sind { $limit }.
too-complex = Diese Datei braucht zum Öffnen mehr Speicher, als ich zulasse (zum Beispiel wegen riesiger eingebetteter Metadaten). Schick eine einfachere Datei.
corrupt = Die Datei scheint beschädigt oder unvollständig zu sein ({ $format }), deshalb konnte ich sie nicht lesen. Exportiere sie am besten noch einmal.
crop-outside = Der Ausschnitt beginnt außerhalb des Bildes, das { $width }x{ $height } groß ist.
too-wide-for-format = { $format } kann nicht breiter oder höher als { $limit } Pixel sein; dieses Bild ist { $width }x{ $height }. Verkleinere es oder wähle PNG oder TIFF.
nothing-to-convert = Dafür brauche ich ein Bild. Schick mir eins oder häng eins an.
no-image-in-message = In dieser Nachricht ist kein Bild.
images-gone = Ich konnte die Bilder dieser Nachricht nicht mehr lesen. Vielleicht wurde sie gelöscht.
wrong-host = Ich hole nur Bilder, die in genau diesen Chat hochgeladen wurden. Lade das Bild hier hoch.
empty-body = Schick ein Bild im Request-Body oder als Feld `file` eines Formulars.
form-unreadable = Das Upload-Formular war nicht lesbar; schick das Bild als Feld `file`.
no-file-in-form = Im Formular war keine Datei; schick das Bild als Feld `file`.
too-many-files = Das sind mehr als { $limit } Bilder auf einmal. Schick höchstens { $limit } auf einmal.
not-yours = Nur wer das angefragt hat, kann es löschen.
target-unreachable = Selbst mit der niedrigsten Qualität bekomme ich das Ergebnis nicht unter { $target }. Versuch eine größere Zielgröße oder ein kleineres Bild.
timeout = Die Umwandlung hat zu lange gedauert (über { $seconds } s). Versuch ein kleineres Bild oder ein einfacheres Format.
busy = Gerade warten so viele Bilder, dass deins zu lange bräuchte. Versuch es in { $seconds } s noch einmal.
result-too-many-pixels = Das Ergebnis hätte { $width }x{ $height } Pixel{ $frames_note }; erlaubt sind { $limit } Megapixel. Wähle eine kleinere Größe.
result-too-large = Das Ergebnis wäre vor der Komprimierung etwa { $size } groß; erlaubt sind { $limit }. Wähle eine kleinere Größe oder ein anderes Format.
album-too-large = Diese { $images } Bilder haben zusammen mehr als { $limit } Megapixel, mehr als ein PDF fassen darf. Schick weniger oder kleinere Bilder.
share-full = Du hast schon so viele Ergebnisse in meinem Speicher liegen, wie eine Person darf. Versuch es in { $seconds } s noch einmal, wenn ältere gelöscht sind.
unavailable = Ich erreiche meinen Speicher gerade nicht. Versuch es in { $seconds } s noch einmal.
download-stalled = Deine Datei kam nicht vollständig an. Bitte schick sie noch einmal.
gone = Dieses Bild ist nicht mehr in meinem Speicher (alles wird innerhalb einer Stunde gelöscht). Bitte schick es noch einmal.
rate-limited = Du schickst Bilder schneller, als ich sie annehmen kann. Versuch es in { $seconds } s noch einmal.
bad-link = Dieser Download-Link ist ungültig.
not-found = Diese Datei gibt es nicht.
no-history = Dieser Server führt keinen Verlauf.
no-token = Schick dein Browser-Token im Header x-pixdrop-token (16 bis 128 Zeichen).
history-unavailable = Dein Verlauf ist gerade nicht erreichbar. Versuch es in { $seconds } s noch einmal.
key-required = Diese API braucht einen Schlüssel: Schick ihn als `Authorization: Bearer <key>`.
key-invalid = Dieser API-Schlüssel ist ungültig (falsch oder widerrufen). Prüf ihn oder lass dir einen neuen geben.
idempotency-conflict = Dieser Idempotency-Key wurde schon für eine andere Anfrage benutzt. Nimm für eine neue Anfrage einen neuen Schlüssel.
internal = Bei mir ist etwas schiefgegangen (Ref. { $reference }). Bitte versuch es noch einmal.

## Optionswörter

unknown-word = `{ $word }` verstehe ich nicht. Möglich sind: { allowed-words }.
allowed-words = ein Format (jpeg, png, webp, gif, avif, bmp, tiff, ico, qoi, tga, pnm, pdf), Qualität 1-100 (`80` oder `q=80`), eine Größe (`1600`, `1600x1200`, `50%`), `enlarge`, `crop=WxH+X+Y`, `rotate=90|180|270`, `flip=h|v`, eine Höchstgröße in Bytes (`max=500KB`), `lossless`, `progressive`, `bg=white` oder `bg=#rrggbb`, `keep-metadata`, `no-orient`, `square` (quadratischer Ausschnitt aus der Mitte), `animated=gif` (Format für Animationen), ein Preset (`sticker`, `preset=email`)
unknown-format = Das Format `{ $word }` kenne ich nicht. Wähle eines davon: { $writable }.
two-formats = Nenn nur ein Zielformat, z. B. `/convert webp`.
quality-out-of-range = Die Qualität muss eine Zahl von 1 bis 100 sein, nicht `{ $word }`.
bad-resize = Die Größe `{ $word }` kann ich nicht lesen. Schreib sie wie `1600` (lange Seite), `1600x1200` (Rahmen) oder `50%`.
bad-crop = Den Ausschnitt `{ $word }` kann ich nicht lesen. Schreib ihn als BREITExHÖHE+X+Y, z. B. `crop=800x600+10+20`.
bad-rotation = Ich kann nur um 90, 180 oder 270 Grad drehen, nicht um `{ $word }`.
bad-flip = Spiegeln geht mit `flip=h` (links-rechts) oder `flip=v` (oben-unten), nicht mit `{ $word }`.
bad-size-target = Die Höchstgröße `{ $word }` kann ich nicht lesen. Schreib sie wie `max=500KB` oder `max=2MB`.
size-target-too-small = Eine Höchstgröße muss mindestens 1KB sein, nicht `{ $word }`.
unknown-colour = Die Farbe `{ $word }` kenne ich nicht. Nimm einen Namen wie `white` oder einen Hex-Code wie `#ff8800`.
unknown-preset = Das Preset `{ $word }` kenne ich nicht. Wähle eines davon: { $known }.

## Satzteile

frames-note = {" "}x { $frames } Einzelbilder
size-bytes = { $bytes } Bytes
