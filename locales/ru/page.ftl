# The upload page's static visible strings (bots/src/web/page.html) and
# the few sentences its script writes; the English must be exactly what
# page.html says, which page.rs's tests check. In the script's sentences,
# { $n }, { $size }, { $done } and { $total } stay as they are: the page
# fills them in.

page-title = pixdrop — конвертируем изображения, ничего не храним
page-promise = Сконвертируйте, сожмите, измените размер или поверните изображение. Оно хранится только в оперативной памяти и удаляется в течение часа. Мы не храним ничего, по чему можно узнать вас или ваш файл.
page-drop = Перетащите изображения сюда
page-or-click = или нажмите, чтобы выбрать, или вставьте через Ctrl+V — JPEG, PNG, GIF, WebP, HEIC, AVIF, TIFF, BMP…
page-convert-to = Конвертировать в
page-preset = Пресет
page-no-preset = нет — выберите ниже
page-quality = Качество
page-longest-side = Длинная сторона (px)
page-keep = как есть
page-at-most = Не больше (например, 500KB)
page-no-limit = без ограничений
page-convert = Конвертировать
page-uploading = Загрузка…
page-converting = Конвертация…
page-your-result = Ваш результат
page-converted = Сконвертированное изображение
page-format = Формат
page-size = Размер
page-pixels = Пиксели
page-deleted-in = Удалится через
page-download = Скачать
page-delete-now = Удалить сейчас
page-deleted = Удалено — эта ссылка больше не работает.
page-your-results = Ваши результаты
page-download-zip = Скачать всё одним ZIP
page-history = Ваша история
page-show = Показать
page-export = Экспорт
page-erase = Стереть
page-held = Результат хранится, пока вы его скачиваете, а затем удаляется — не позже чем через час после загрузки.
page-recorded = Мы записываем только то, как прошла конвертация (форматы, размеры, настройки, время), но никогда не само изображение и не его название.
page-remembered = Выбранные формат и качество запоминаются только в этом браузере.
page-several = Изображений: { $n } · { $size }
page-ready = Ваш результат готов.
page-ready-batch = Сконвертировано { $done } из { $total }. ZIP готов.
page-failed = Что-то пошло не так. Попробуйте ещё раз.
page-nothing = Ничего не записано.
page-erase-confirm = Стереть все записи о ваших конвертациях? Это нельзя отменить.
