# Die sichtbaren festen Texte der Upload-Seite. Vorbild ist en/page.ftl.

page-title = pixdrop — Bilder umwandeln, nichts behalten
page-promise = Ein Bild umwandeln, verkleinern, skalieren oder drehen. Es liegt nur im Arbeitsspeicher und wird innerhalb einer Stunde gelöscht. Wir behalten nichts, was dich oder deine Datei erkennbar macht.
page-choose = Bild auswählen
page-drop = Bild hierher ziehen
page-or-click = oder klicken und auswählen — JPEG, PNG, GIF, WebP, HEIC, AVIF, TIFF, BMP…
page-convert-to = Umwandeln in
page-preset = Preset
page-no-preset = keins — unten wählen
page-quality = Qualität
page-longest-side = Längste Seite (px)
page-keep = beibehalten
page-at-most = Höchstens (z. B. 500KB)
page-no-limit = keine Grenze
page-convert = Umwandeln
page-converted = Umgewandeltes Bild
page-format = Format
page-size = Größe
page-pixels = Pixel
page-deleted-in = Gelöscht in
page-download = Herunterladen
page-history = Dein Verlauf
page-show = Anzeigen
page-export = Exportieren
page-erase = Löschen
page-held = Das Ergebnis liegt zum Herunterladen bereit und wird dann gelöscht — spätestens eine Stunde nach dem Hochladen.
page-recorded = Wir zeichnen nur auf, wie eine Umwandlung gelaufen ist (Formate, Größen, Einstellungen, Zeit), nie das Bild oder seinen Namen.
