# Lo que dice `UserError`, un mensaje por código de error. Referencia: en/errors.ftl.

unsupported-format = Eso no es una imagen que pueda leer ({ $what }). Envía un archivo JPEG, PNG, GIF, WebP, HEIC, AVIF, BMP, TIFF, ICO, QOI, TGA o PNM.
cannot-write = No puedo generar archivos { $format }. Elige uno de estos: { $allowed }.
too-large = Ese archivo ocupa { $size }; el límite es { $limit }. Envía un archivo más pequeño.
too-many-pixels = Esa imagen mide { $width }x{ $height } píxeles{ $frames_note }; el límite es { $limit } megapíxeles. Envía una imagen más pequeña.
too-many-frames = Esa animación tiene más de { $limit } fotogramas; el límite es { $limit }.
too-complex = Para abrir ese archivo hace falta más memoria de la que permito (por ejemplo, por unos metadatos incrustados enormes). Envía un archivo más sencillo.
corrupt = Ese archivo parece dañado o incompleto ({ $format }), así que no he podido leerlo. Prueba a exportarlo de nuevo.
crop-outside = Ese recorte empieza fuera de la imagen, que mide { $width }x{ $height }.
too-wide-for-format = { $format } no admite más de { $limit } píxeles de ancho ni de alto; esta imagen mide { $width }x{ $height }. Redúcela o elige PNG o TIFF.
nothing-to-convert = Para eso necesito una imagen. Envía o adjunta una.
no-image-in-message = Ese mensaje no tiene ninguna imagen.
images-gone = Ya no puedo leer las imágenes de ese mensaje. Puede que se haya borrado.
wrong-host = Solo descargo imágenes subidas a este mismo chat. Sube la imagen aquí.
empty-body = Envía una imagen en el cuerpo de la petición, o como campo `file` de un formulario.
form-unreadable = No se ha podido leer el formulario de subida; envía la imagen como campo `file`.
no-file-in-form = El formulario no traía ningún archivo; envía la imagen como campo `file`.
too-many-files = Son más de { $limit } imágenes a la vez. Envía como mucho { $limit } de una vez.
not-yours = Solo quien lo pidió puede borrarlo.
target-unreachable = No he podido dejar el resultado por debajo de { $target } ni con la calidad más baja. Prueba con un tamaño mayor o con una imagen más pequeña.
timeout = La conversión ha tardado demasiado (más de { $seconds } s). Prueba con una imagen más pequeña o un formato más sencillo.
busy = Hay tantas imágenes esperando que la tuya tardaría demasiado. Vuelve a intentarlo dentro de { $seconds } s.
result-too-many-pixels = El resultado mediría { $width }x{ $height } píxeles{ $frames_note }; el límite es { $limit } megapíxeles. Pide un tamaño más pequeño.
result-too-large = El resultado ocuparía unos { $size } antes de comprimirlo; el límite es { $limit }. Pide un tamaño más pequeño u otro formato.
album-too-large = Esas { $images } imágenes suman más de { $limit } megapíxeles, lo máximo que cabe en un PDF. Envía menos imágenes o más pequeñas.
share-full = Ya tienes en mi memoria tantos resultados esperando como se permite por persona. Vuelve a intentarlo dentro de { $seconds } s, cuando se hayan borrado los más antiguos.
unavailable = Ahora mismo no puedo acceder a mi almacenamiento. Vuelve a intentarlo dentro de { $seconds } s.
download-stalled = Tu archivo dejó de llegar antes de completarse. Por favor, envíalo de nuevo.
gone = Esa imagen ya no está en mi memoria (todo se borra en menos de una hora). Por favor, envíala de nuevo.
rate-limited = Me envías imágenes más rápido de lo que puedo recibirlas. Vuelve a intentarlo dentro de { $seconds } s.
bad-link = Este enlace de descarga no es válido.
not-found = Ese archivo no existe.
no-history = Este servidor no guarda historial.
no-token = Envía el token de tu navegador en la cabecera x-pixdrop-token (de 16 a 128 caracteres).
history-unavailable = Ahora mismo no se puede acceder a tu historial. Vuelve a intentarlo dentro de { $seconds } s.
key-required = Esta API necesita una clave: envíala como `Authorization: Bearer <key>`.
key-invalid = Esa clave de API no es válida (es incorrecta o se ha revocado). Revísala o pide una nueva.
idempotency-conflict = Esa Idempotency-Key ya se usó para otra petición distinta. Usa una clave nueva para cada petición nueva.
internal = Algo ha fallado por mi parte (ref. { $reference }). Por favor, vuelve a intentarlo.

## Palabras de opciones

unknown-word = No entiendo `{ $word }`. Puedes usar: { allowed-words }.
allowed-words = un formato (jpeg, png, webp, gif, avif, bmp, tiff, ico, qoi, tga, pnm, pdf), calidad 1-100 (`80` o `q=80`), un tamaño (`1600`, `1600x1200`, `50%`), `enlarge`, `crop=WxH+X+Y`, `rotate=90|180|270`, `flip=h|v`, un peso máximo (`max=500KB`), `lossless`, `progressive`, `bg=white` o `bg=#rrggbb`, `keep-metadata`, `no-orient`, `square` (recorte cuadrado centrado), `animated=gif` (formato para animaciones), un preset (`sticker`, `preset=email`)
unknown-format = No conozco el formato `{ $word }`. Elige uno de estos: { $writable }.
two-formats = Indica un solo formato de destino, p. ej. `/convert webp`.
quality-out-of-range = La calidad debe ser un número del 1 al 100, no `{ $word }`.
bad-resize = No entiendo el tamaño `{ $word }`. Escríbelo como `1600` (lado largo), `1600x1200` (caja) o `50%`.
bad-crop = No entiendo el recorte `{ $word }`. Escríbelo como ANCHOxALTO+X+Y, p. ej. `crop=800x600+10+20`.
bad-rotation = Solo puedo girar 90, 180 o 270 grados, no `{ $word }`.
bad-flip = Para voltear usa `flip=h` (izquierda-derecha) o `flip=v` (arriba-abajo), no `{ $word }`.
bad-size-target = No entiendo el peso máximo `{ $word }`. Escríbelo como `max=500KB` o `max=2MB`.
size-target-too-small = El peso máximo debe ser de al menos 1KB, no `{ $word }`.
unknown-colour = No conozco el color `{ $word }`. Usa un nombre como `white` o un código hexadecimal como `#ff8800`.
unknown-preset = No conozco el preset `{ $word }`. Elige uno de estos: { $known }.

## Partes de frases

frames-note = {" "}x { $frames } fotogramas
size-bytes = { $bytes } bytes
