# Los comandos de aplicación de Discord. Referencia: en/discord.ftl; nombres
# en minúsculas, sin espacios, de 32 caracteres como mucho.

cmd-convert = convertir
cmd-convert-about = Convertir una imagen a otro formato
cmd-compress = comprimir
cmd-compress-about = Hacer más pequeña una imagen
cmd-resize = redimensionar
cmd-resize-about = Cambiar el tamaño de una imagen
cmd-info = info
cmd-info-about = ¿Qué imagen es esta?
cmd-formats = formatos
cmd-formats-about = Qué leo y qué escribo, y los presets
cmd-help = ayuda
cmd-help-about = Cómo usarme
cmd-privacy = privacidad
cmd-privacy-about = Qué pasa con tus imágenes
cmd-history = historial
cmd-history-about = Tus últimas conversiones
cmd-export = exportar
cmd-export-about = Tu historial de conversiones como archivo JSON
cmd-forget = olvidar
cmd-forget-about = Borrar tu historial de conversiones
cmd-auto = auto
cmd-auto-about = Administradores: convertir cada imagen publicada en este canal
cmd-convert-image = Convertir imagen

opt-image = imagen
opt-image-convert-about = La imagen que quieres convertir
opt-image-compress-about = La imagen que quieres comprimir
opt-image-resize-about = La imagen que quieres redimensionar
opt-image-info-about = La imagen que quieres describir
opt-format = formato
opt-format-about = Formato al que convertir
opt-preset = preset
opt-preset-about = Un preset: sticker, emoji, avatar, thumbnail, web, email (más en /formatos)
opt-quality = calidad
opt-quality-about = Calidad 1-100
opt-size = tamaño
opt-size-about = Lado largo como 1600, una caja como 1600x1200, o 50%
opt-options = opciones
opt-options-about = Más palabras de opción: rotate=90 flip=h max=500KB lossless …
opt-target = peso
opt-target-about = Peso máximo, como 500KB o 2MB
opt-recording = registro
opt-recording-about = Detener o reanudar el registro
choice-off = desactivar
choice-on = activar
opt-off = desactivar
opt-off-about = Escribe lo que sea para desactivarla
