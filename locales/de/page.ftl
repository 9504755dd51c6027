# The upload page's static visible strings (bots/src/web/page.html) and
# the few sentences its script writes; the English must be exactly what
# page.html says, which page.rs's tests check. In the script's sentences,
# { $n }, { $size }, { $done } and { $total } stay as they are: the page
# fills them in.

page-title = pixdrop — Bilder umwandeln, nichts behalten
page-promise = Ein Bild umwandeln, verkleinern, skalieren oder drehen. Es liegt nur im Arbeitsspeicher und wird innerhalb einer Stunde gelöscht. Wir behalten nichts, was dich oder deine Datei erkennbar macht.
page-drop = Bilder hierher ziehen
page-or-click = oder zum Auswählen drücken, oder mit Strg+V einfügen — JPEG, PNG, GIF, WebP, HEIC, AVIF, TIFF, BMP…
page-convert-to = Umwandeln in
page-preset = Preset
page-no-preset = keins — unten wählen
page-quality = Qualität
page-longest-side = Längste Seite (px)
page-keep = beibehalten
page-at-most = Höchstens (z. B. 500KB)
page-no-limit = keine Grenze
page-convert = Umwandeln
page-uploading = Wird hochgeladen…
page-converting = Wird umgewandelt…
page-your-result = Dein Ergebnis
page-converted = Umgewandeltes Bild
page-format = Format
page-size = Größe
page-pixels = Pixel
page-deleted-in = Gelöscht in
page-download = Herunterladen
page-delete-now = Jetzt löschen
page-deleted = Gelöscht — dieser Link funktioniert nicht mehr.
page-your-results = Deine Ergebnisse
page-download-zip = Alle als ZIP herunterladen
page-history = Dein Verlauf
page-show = Anzeigen
page-export = Exportieren
page-erase = Löschen
page-held = Das Ergebnis liegt zum Herunterladen bereit und wird dann gelöscht — spätestens eine Stunde nach dem Hochladen.
page-recorded = Wir zeichnen nur auf, wie eine Umwandlung gelaufen ist (Formate, Größen, Einstellungen, Zeit), nie das Bild oder seinen Namen.
page-remembered = Deine Wahl von Format und Qualität wird nur in diesem Browser gespeichert.
page-several = { $n } Bilder · { $size }
page-ready = Dein Ergebnis ist fertig.
page-ready-batch = { $done } von { $total } Bildern umgewandelt. Die ZIP-Datei ist fertig.
page-failed = Etwas ist schiefgelaufen. Bitte versuch es noch einmal.
page-nothing = Nichts aufgezeichnet.
page-erase-confirm = Alle Aufzeichnungen deiner Umwandlungen löschen? Das lässt sich nicht rückgängig machen.
