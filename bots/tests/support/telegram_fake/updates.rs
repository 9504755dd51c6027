//! The Updates tests push, built from teloxide's own model types and
//! serialized as Telegram sends them: private and group messages with
//! photos (every size, smallest first, made from the real bytes), documents,
//! text, albums and callback queries, with `bot_command` entities where a
//! client would see a command. Builders only build; `push_update` makes
//! Telegram "know" the message.

use std::io::Cursor;

use chrono::DateTime;
use serde_json::Value;
use teloxide::types::{
    CallbackQuery, CallbackQueryId, Chat, ChatId, ChatKind, ChatPrivate, ChatPublic, Document,
    FileId, FileMeta, FileUniqueId, MaybeInaccessibleMessage, MediaDocument, MediaGroupId,
    MediaKind, MediaPhoto, MediaText, Message, MessageCommon, MessageEntity, MessageEntityKind,
    MessageId, MessageKind, PhotoSize, PublicChatKind, PublicChatSupergroup, UpdateKind, User,
    UserId,
};

use super::{FakeTelegram, StoredFile};

/// Long sides of the smaller sizes Telegram makes of a photo.
const PHOTO_SIDES: [u32; 3] = [90, 320, 800];

/// The file name every test document carries, so tests can check it never
/// travels further than it must.
const DOCUMENT_NAME: &str = "secret-holiday";

pub fn user(id: u64) -> User {
    User {
        id: UserId(id),
        is_bot: false,
        first_name: "Alice".into(),
        last_name: Some("Example".into()),
        username: Some(format!("alice{id}")),
        language_code: Some("en".into()),
        is_premium: false,
        added_to_attachment_menu: false,
    }
}

pub fn private_chat(id: i64) -> Chat {
    let kind = ChatKind::Private(ChatPrivate {
        username: Some(format!("alice{id}")),
        first_name: Some("Alice".into()),
        last_name: Some("Example".into()),
    });
    Chat {
        id: ChatId(id),
        kind,
    }
}

pub fn supergroup(id: i64) -> Chat {
    let kind = PublicChatKind::Supergroup(PublicChatSupergroup {
        username: None,
        is_forum: false,
    });
    let title = Some("Pixdrop testers".into());
    Chat {
        id: ChatId(id),
        kind: ChatKind::Public(ChatPublic { title, kind }),
    }
}

/// A message of `media` with nothing else set.
pub fn message(id: i64, chat: Chat, from: User, media_kind: MediaKind) -> Message {
    let unix = super::now() as i64;
    Message {
        id: MessageId(id as i32),
        thread_id: None,
        from: Some(from),
        sender_chat: None,
        date: DateTime::from_timestamp(unix, 0).expect("a date"),
        chat,
        is_topic_message: false,
        via_bot: None,
        sender_business_bot: None,
        kind: MessageKind::Common(MessageCommon {
            author_signature: None,
            paid_star_count: None,
            effect_id: None,
            forward_origin: None,
            reply_to_message: None,
            external_reply: None,
            quote: None,
            reply_to_story: None,
            sender_boost_count: None,
            edit_date: None,
            media_kind,
            reply_markup: None,
            is_automatic_forward: false,
            has_protected_content: false,
            is_from_offline: false,
            business_connection_id: None,
        }),
    }
}

pub fn common(message: &mut Message) -> &mut MessageCommon {
    match &mut message.kind {
        MessageKind::Common(common) => common,
        _ => unreachable!("the fake builds only common messages"),
    }
}

/// `text` and a `bot_command` entity when it opens with `/name[@bot]`.
fn with_entities(text: &str) -> (String, Vec<MessageEntity>) {
    let token = text.split_whitespace().next().unwrap_or_default();
    let name = token.strip_prefix('/').and_then(|c| c.split('@').next());
    let command = name.is_some_and(|name| {
        (1..=32).contains(&name.len())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    });
    let length = token.encode_utf16().count();
    let entities = match command {
        true => vec![MessageEntity::new(MessageEntityKind::BotCommand, 0, length)],
        false => Vec::new(),
    };
    (text.to_string(), entities)
}

pub fn text_media(text: &str) -> MediaKind {
    let (text, entities) = with_entities(text);
    MediaKind::Text(MediaText {
        text,
        entities,
        link_preview_options: None,
    })
}

pub fn document_media(document: Document, caption: Option<&str>) -> MediaKind {
    let (caption, caption_entities) = caption.map(with_entities).unzip();
    MediaKind::Document(MediaDocument {
        document,
        caption,
        caption_entities: caption_entities.unwrap_or_default(),
        media_group_id: None,
    })
}

/// An update as Telegram serializes it, without its `update_id` (which
/// `push_update` gives).
pub fn update(kind: UpdateKind) -> Value {
    serde_json::to_value(kind).expect("updates serialize")
}

/// A message or an update carrying one, as teloxide reads it.
pub fn parse_message(value: Value) -> Message {
    let value = match value.get("message") {
        Some(message) => message.clone(),
        None => value,
    };
    super::read(&value).expect("a message teloxide reads")
}

impl StoredFile {
    pub fn meta(&self, id: &str) -> FileMeta {
        FileMeta {
            id: FileId(id.to_string()),
            unique_id: FileUniqueId(self.unique_id.clone()),
            size: self.size as u32,
        }
    }

    pub fn extension(&self) -> &str {
        self.path.rsplit_once('.').map_or("bin", |(_, ext)| ext)
    }
}

impl FakeTelegram {
    fn next_message(&self, chat: Chat, from: i64, media: MediaKind) -> Message {
        let id = self.inner.lock().next_message_id();
        message(id, chat, user(from as u64), media)
    }

    /// All sizes of a stored photo, smallest first; the last is the file
    /// itself. Panics unless the file decodes.
    fn photo_sizes(&self, file_id: &str) -> Vec<PhotoSize> {
        let mut state = self.inner.lock();
        let file = &state.files[file_id];
        let bytes = file.bytes.clone().expect("a photo has bytes");
        let image = image::load_from_memory(&bytes).expect("a photo decodes");
        let (width, height) = (image.width(), image.height());
        let largest = PhotoSize {
            file: file.meta(file_id),
            width,
            height,
        };
        let mut sizes = Vec::new();
        for side in PHOTO_SIDES.into_iter().filter(|s| *s < width.max(height)) {
            let small = image.thumbnail(side, side).to_rgb8();
            let mut jpeg = Cursor::new(Vec::new());
            small
                .write_to(&mut jpeg, image::ImageFormat::Jpeg)
                .expect("encode a thumbnail");
            let jpeg = jpeg.into_inner();
            let size = jpeg.len() as u64;
            let id = state.store_file(Some(jpeg), size, "jpg");
            sizes.push(PhotoSize {
                file: state.files[&id].meta(&id),
                width: small.width(),
                height: small.height(),
            });
        }
        sizes.push(largest);
        sizes
    }

    fn photo_message(
        &self,
        chat: Chat,
        from: i64,
        file_id: &str,
        caption: Option<&str>,
    ) -> Message {
        let (caption, caption_entities) = caption.map(with_entities).unzip();
        let media = MediaKind::Photo(MediaPhoto {
            photo: self.photo_sizes(file_id),
            caption,
            caption_entities: caption_entities.unwrap_or_default(),
            show_caption_above_media: false,
            has_media_spoiler: false,
            media_group_id: None,
        });
        self.next_message(chat, from, media)
    }

    pub fn private_photo(&self, chat: i64, from: i64, file: &str, caption: Option<&str>) -> Value {
        let message = self.photo_message(private_chat(chat), from, file, caption);
        update(UpdateKind::Message(message))
    }

    pub fn group_photo(&self, chat: i64, from: i64, file: &str, caption: Option<&str>) -> Value {
        let message = self.photo_message(supergroup(chat), from, file, caption);
        update(UpdateKind::Message(message))
    }

    /// A document named `secret-holiday.<ext>`.
    pub fn private_document(
        &self,
        chat: i64,
        from: i64,
        file_id: &str,
        caption: Option<&str>,
    ) -> Value {
        let document = {
            let state = self.inner.lock();
            let file = &state.files[file_id];
            Document {
                file: file.meta(file_id),
                thumbnail: None,
                file_name: Some(format!("{DOCUMENT_NAME}.{}", file.extension())),
                mime_type: mime_guess::from_ext(file.extension()).first(),
            }
        };
        let media = document_media(document, caption);
        update(UpdateKind::Message(self.next_message(
            private_chat(chat),
            from,
            media,
        )))
    }

    pub fn private_text(&self, chat: i64, from: i64, text: &str) -> Value {
        let message = self.next_message(private_chat(chat), from, text_media(text));
        update(UpdateKind::Message(message))
    }

    /// A supergroup text message, optionally replying to `reply_to` (a
    /// message, or an update carrying one).
    pub fn group_message_text(
        &self,
        chat: i64,
        from: i64,
        text: &str,
        reply_to: Option<Value>,
    ) -> Value {
        let mut message = self.next_message(supergroup(chat), from, text_media(text));
        if let Some(replied) = reply_to {
            let mut replied = parse_message(replied);
            common(&mut replied).reply_to_message = None;
            common(&mut message).reply_to_message = Some(Box::new(replied));
        }
        update(UpdateKind::Message(message))
    }

    /// One update per photo, sharing a `media_group_id`; `caption` rides on
    /// the first only, as Telegram does.
    pub fn private_album(
        &self,
        chat: i64,
        from: i64,
        file_ids: &[&str],
        caption: Option<&str>,
    ) -> Vec<Value> {
        let group = MediaGroupId(format!("1370000000{}", self.inner.lock().next_seq()));
        let mut updates = Vec::new();
        for (i, file) in file_ids.iter().enumerate() {
            let caption = caption.filter(|_| i == 0);
            let mut message = self.photo_message(private_chat(chat), from, file, caption);
            if let MediaKind::Photo(photo) = &mut common(&mut message).media_kind {
                photo.media_group_id = Some(group.clone());
            }
            updates.push(update(UpdateKind::Message(message)));
        }
        updates
    }

    /// `from` pressing a button with `data` under `message` (the bot's
    /// message as it stands, e.g. from `FakeTelegram::message`).
    pub fn callback_query(&self, from: i64, message: Value, data: &str) -> Value {
        let id = format!("58712541130{}", self.inner.lock().next_seq());
        let message = parse_message(message);
        update(UpdateKind::CallbackQuery(CallbackQuery {
            id: CallbackQueryId(id),
            from: user(from as u64),
            message: Some(MaybeInaccessibleMessage::Regular(Box::new(message))),
            inline_message_id: None,
            chat_instance: "-7351862394012847213".into(),
            data: Some(data.to_string()),
            game_short_name: None,
        }))
    }
}
