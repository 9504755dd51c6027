# The upload page's static visible strings (bots/src/web/page.html) and
# the few sentences its script writes; the English must be exactly what
# page.html says, which page.rs's tests check. In the script's sentences,
# { $n }, { $size }, { $done } and { $total } stay as they are: the page
# fills them in.

page-title = pixdrop — convierte imágenes, no guardamos nada
page-promise = Convierte, comprime, redimensiona o gira una imagen. Solo está en memoria y se borra en menos de una hora. No guardamos nada que pueda identificarte a ti o a tu archivo.
page-drop = Suelta imágenes aquí
page-or-click = o pulsa para elegirlas, o pega con Ctrl+V — JPEG, PNG, GIF, WebP, HEIC, AVIF, TIFF, BMP…
page-convert-to = Convertir a
page-preset = Preset
page-no-preset = ninguno — elige abajo
page-quality = Calidad
page-longest-side = Lado más largo (px)
page-keep = mantener
page-at-most = Como mucho (p. ej. 500KB)
page-no-limit = sin límite
page-convert = Convertir
page-uploading = Subiendo…
page-converting = Convirtiendo…
page-your-result = Tu resultado
page-converted = Imagen convertida
page-format = Formato
page-size = Tamaño
page-pixels = Píxeles
page-deleted-in = Se borra en
page-download = Descargar
page-delete-now = Borrar ahora
page-deleted = Borrado: este enlace ya no funciona.
page-your-results = Tus resultados
page-download-zip = Descargar todo en un ZIP
page-history = Tu historial
page-show = Mostrar
page-export = Exportar
page-erase = Borrar
page-held = El resultado se guarda para que lo descargues y luego se borra, como muy tarde una hora después de subirlo.
page-recorded = Solo registramos cómo fue una conversión (formatos, tamaños, ajustes, hora), nunca la imagen ni su nombre.
page-remembered = Tu elección de formato y calidad solo se recuerda en este navegador.
page-several = { $n } imágenes · { $size }
page-ready = Tu resultado está listo.
page-ready-batch = { $done } de { $total } imágenes convertidas. El ZIP está listo.
page-failed = Algo salió mal. Inténtalo de nuevo.
page-nothing = No hay nada registrado.
page-erase-confirm = ¿Borrar todos los registros de tus conversiones? No se puede deshacer.
