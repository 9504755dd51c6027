# Los textos fijos visibles de la página de subida. Referencia: en/page.ftl.

page-title = pixdrop — convierte imágenes, no guardamos nada
page-promise = Convierte, comprime, redimensiona o gira una imagen. Solo está en memoria y se borra en menos de una hora. No guardamos nada que pueda identificarte a ti o a tu archivo.
page-choose = Elige una imagen
page-drop = Suelta una imagen aquí
page-or-click = o haz clic para elegirla — JPEG, PNG, GIF, WebP, HEIC, AVIF, TIFF, BMP…
page-convert-to = Convertir a
page-preset = Preset
page-no-preset = ninguno — elige abajo
page-quality = Calidad
page-longest-side = Lado más largo (px)
page-keep = mantener
page-at-most = Como mucho (p. ej. 500KB)
page-no-limit = sin límite
page-convert = Convertir
page-converted = Imagen convertida
page-format = Formato
page-size = Tamaño
page-pixels = Píxeles
page-deleted-in = Se borra en
page-download = Descargar
page-history = Tu historial
page-show = Mostrar
page-export = Exportar
page-erase = Borrar
page-held = El resultado se guarda para que lo descargues y luego se borra, como muy tarde una hora después de subirlo.
page-recorded = Solo registramos cómo fue una conversión (formatos, tamaños, ajustes, hora), nunca la imagen ni su nombre.
