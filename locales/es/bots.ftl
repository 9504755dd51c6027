# Lo que dicen los bots (bots/src/texts.rs), salvo los errores (errors.ftl).
# Referencia: en/bots.ftl. Los nombres de los comandos no se traducen.

## Ayuda y privacidad

help =
    Envíame una imagen y la convierto.

    { $convert } FORMATO [opciones] — p. ej. { $convert } webp 80 1600
    { $compress } [tamaño] — archivo más pequeño, p. ej. { $compress } 500KB
    { $resize } N — ajustar el lado largo a N píxeles
    { $pdf } — crear un PDF (envía varias imágenes juntas para tener varias páginas)
    { $info } — qué imagen es
    { $formats } — qué formatos leo y escribo
    { $privacy } — qué pasa con tus imágenes
    { $history }, { $export }, { $forget } — tu historial de conversiones

    Opciones: calidad 1-100, un tamaño como 1600 o 1600x1200, rotate=90, flip=h, max=500KB, lossless, bg=white, keep-metadata.
    Presets: { $presets } — p. ej. { $convert } sticker; { $formats } dice qué hace cada uno.
processing = Tu imagen se procesa solo en nuestro servidor, en memoria, nunca se escribe en disco y se borra como mucho { $held } después de llegar. Telegram y Discord conservan lo que transportan (lo que subes y el archivo que te devuelvo) según sus propias normas, no las nuestras. Nada de lo que envías se usa para entrenar IA ni para publicidad.
held-hour = una hora
held-minutes = { $minutes ->
        [1] un minuto (muy por debajo de una hora)
       *[other] { $minutes } minutos (muy por debajo de una hora)
    }
privacy =
    { $processing }
    Guardo un pequeño historial de cómo fueron las conversiones (formatos, tamaños, ajustes, hora) bajo un hash con sal de tu id de usuario, nunca las imágenes, sus nombres ni tus mensajes. Consúltalo con /history, desactívalo con /history off y bórralo con /forget.
unknown-command =
    No conozco { $command }.

    { $help }

## Formatos y presets

formats =
    Leo: { $read }.
    Escribo: { $write }.

    Presets (p. ej. /convert sticker):
preset-sticker = Sticker de Telegram: WebP, lado largo de exactamente 512 px, como mucho 512 KB
preset-emoji = Emoji de Discord: PNG (una animación sigue siendo GIF), cabe en 128x128, como mucho 256 KB
preset-avatar = Foto de perfil: el cuadrado central, PNG de 512x512
preset-thumbnail = Miniatura: WebP, cabe en 320 px
preset-web = Para páginas web: WebP calidad 80, cabe en 2048 px, nunca se amplía
preset-email = Para correo electrónico: JPEG calidad 75, cabe en 1600 px, como mucho 1 MB

## Resultados

frames = {" "}· { $frames } fotogramas
deleted-by = Nuestra copia se borra de la memoria a las { $time } UTC como tarde.
as-link = Es demasiado grande para enviarlo aquí, así que descárgalo: { $link }
some-failed = Algunas imágenes no se han convertido: { $failure }
note-oriented = enderezada
note-colour-converted = colores convertidos a sRGB
note-resized = redimensionada a { $width }x{ $height }
note-first-frame-only = el formato de destino no admite animación, así que solo se ha conservado el primero de { $frames } fotogramas
note-flattened = transparencia rellenada con { $colour }
note-metadata-removed = metadatos eliminados
note-quality-lowered = calidad reducida a { $quality } para que quepa
note-shrunk-to-fit = reducida a { $width }x{ $height } para que quepa

## /info

no-metadata = Sin metadatos.
carries-metadata = Contiene { $metadata }; lo elimino al convertir, salvo que añadas keep-metadata.
metadata-exif = EXIF (datos de la cámara, quizá la ubicación)
metadata-icc = un perfil de color
metadata-both = { $first } y { $second }

## Indicaciones

album-hint = He recibido tu álbum. Envíalo otra vez con /pdf (un PDF) o /convert FORMATO como pie de foto.
not-in-time = Lo siento, no he podido responder a tiempo. Vuelve a intentarlo.
pick-format = ¿A qué formato lo convierto?
convert-to = Convertir a…
image-by-caption-or-reply = Envía una imagen con este comando como pie de foto, o responde con él a una imagen.
video-sticker = Ese sticker es un vídeo, y yo solo convierto imágenes. Envía un sticker estático o uno WebP.
gif-as-video = Telegram ha convertido ese GIF en un vídeo, y yo solo convierto imágenes. Envía el GIF como archivo (📎 → Archivo).
video = Eso es un vídeo, y yo solo convierto imágenes.
attach-hint = Adjunta una imagen (o varias) y la convierto. Añade palabras de opción como `webp 80` o `png resize=50%`, o no pongas ninguna y elige un formato.

## Historial y /forget

forget-question = ¿Borrar todo tu historial de conversiones? No se puede deshacer.
forget-yes = Sí, bórralo
forget-no = No, consérvalo
forget-kept = Conservado. No se ha borrado nada.
delete-now = 🗑 Borrar ahora
deleted = Borrado. El resultado ya no está en mi memoria ni en este chat.
delete-named = 🗑 Borrar { $file }
erased = { $records ->
        [0] No había nada que borrar. Tu historial está vacío.
        [one] Se ha borrado 1 registro. Tu historial está vacío.
       *[other] Se han borrado { $records } registros. Tu historial está vacío.
    }
erase-failed = Ahora mismo no he podido borrar tu historial. Vuelve a intentarlo dentro de un minuto.
history-empty = No tienes conversiones en tu historial.
history-title = Tus últimas conversiones:
history-line = • hace { $days } d { $time } UTC — { $conversion }
no-history-here = En este servidor no guardo historial.
history-unreachable = Ahora mismo no se puede acceder a tu historial. Vuelve a intentarlo dentro de un minuto.
history-paused = Hecho: no registraré tus conversiones. Usa /history on para reanudarlo.
history-resumed = Hecho: vuelvo a registrar cómo van tus conversiones.
export-caption = Tu historial de conversiones: { $records ->
        [one] 1 registro
       *[other] { $records } registros
    }.

## /auto

auto-in-private = /auto es para grupos. Aquí simplemente envíame imágenes.
auto-blind = {" "}Solo puedo ver las imágenes de aquí cuando quien gestiona el bot active el Message Content intent; hasta entonces, mencióname junto con la imagen.
auto-admins-only = Solo los administradores { $place ->
        [group] del grupo
       *[server] del servidor
    } pueden cambiar la conversión automática.
auto-off = La conversión automática está desactivada en { $place ->
        [group] este grupo
       *[channel] este canal
    }.
auto-on = La conversión automática está activada: respondo a las imágenes que se publiquen aquí como { $words }.
until-restart = {" "}(Solo hasta que me reinicie: no he podido guardar el ajuste.)

## El menú de comandos de Telegram

tg-convert = Convertir una imagen: /convert webp 80 1600
tg-compress = Hacerla más pequeña: /compress 500KB
tg-resize = Ajustar el lado largo: /resize 1600
tg-pdf = Crear un PDF de una imagen o un álbum
tg-info = ¿Qué imagen es esta?
tg-formats = Qué leo y qué escribo
tg-privacy = Qué pasa con tus imágenes
tg-history = Tus últimas conversiones (/history off para dejar de registrarlas)
tg-export = Tu historial como archivo JSON
tg-forget = Borrar tu historial
tg-auto = Administradores de grupos: /auto webp o /auto off
tg-start = Hola
tg-help = Cómo usarme
