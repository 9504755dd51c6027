# Команды приложения в Discord. Образец: en/discord.ftl; названия строчными
# буквами, без пробелов, не длиннее 32 символов.

cmd-convert = конвертировать
cmd-convert-about = Сконвертировать изображение в другой формат
cmd-compress = сжать
cmd-compress-about = Уменьшить размер файла изображения
cmd-resize = размер
cmd-resize-about = Изменить размер изображения
cmd-info = инфо
cmd-info-about = Что это за изображение?
cmd-formats = форматы
cmd-formats-about = Что я читаю и записываю, и пресеты
cmd-help = помощь
cmd-help-about = Как мной пользоваться
cmd-privacy = конфиденциальность
cmd-privacy-about = Что происходит с вашими изображениями
cmd-history = история
cmd-history-about = Ваши последние конвертации
cmd-export = экспорт
cmd-export-about = Ваша история конвертаций в файле JSON
cmd-forget = забыть
cmd-forget-about = Стереть историю конвертаций
cmd-auto = авто
cmd-auto-about = Для админов: конвертировать каждое изображение в этом канале
cmd-convert-image = Сконвертировать изображение

opt-image = изображение
opt-image-convert-about = Изображение для конвертации
opt-image-compress-about = Изображение для сжатия
opt-image-resize-about = Изображение, размер которого нужно изменить
opt-image-info-about = Изображение, которое нужно описать
opt-format = формат
opt-format-about = Целевой формат
opt-preset = пресет
opt-preset-about = Пресет: sticker, emoji, avatar, thumbnail, web, email (остальные в /форматы)
opt-quality = качество
opt-quality-about = Качество 1-100
opt-size = размер
opt-size-about = Длинная сторона вроде 1600, рамка вроде 1600x1200 или 50%
opt-options = параметры
opt-options-about = Другие слова-параметры: rotate=90 flip=h max=500KB lossless …
opt-target = предел
opt-target-about = Наибольший размер, например 500KB или 2MB
opt-recording = запись
opt-recording-about = Остановить или возобновить запись
choice-off = выкл
choice-on = вкл
opt-off = выкл
opt-off-about = Введите что угодно, чтобы выключить
