//! Update JSON as Telegram sends it, for tests to push: private and group
//! messages with photos (every size, smallest first, made from the real
//! bytes), documents, text, albums and callback queries, with `bot_command`
//! entities where a client would see a command. The self-test parses each
//! shape with teloxide's own types. Builders only build; `push_update`
//! makes Telegram "know" the message.

use std::io::Cursor;

use serde_json::{Map, Value, json};

use super::{FakeTelegram, mime_of, now};

/// Long sides of the smaller sizes Telegram makes of a photo.
const PHOTO_SIDES: [u32; 3] = [90, 320, 800];

/// The file name every test document carries, so tests can check it never
/// travels further than it must.
pub const DOCUMENT_NAME: &str = "secret-holiday";

pub fn user(user_id: i64) -> Value {
    json!({
        "id": user_id,
        "is_bot": false,
        "first_name": "Alice",
        "last_name": "Example",
        "username": format!("alice{user_id}"),
        "language_code": "en",
    })
}

pub fn private_chat(chat_id: i64) -> Value {
    json!({
        "id": chat_id,
        "first_name": "Alice",
        "last_name": "Example",
        "username": format!("alice{chat_id}"),
        "type": "private",
    })
}

pub fn supergroup(chat_id: i64) -> Value {
    json!({"id": chat_id, "title": "Pixdrop testers", "type": "supergroup"})
}

/// A `bot_command` entity when `text` opens with `/name` or `/name@bot`.
fn command_entity(text: &str) -> Option<Value> {
    let token = text.split_whitespace().next()?;
    let command = token.strip_prefix('/')?;
    let name = command.split('@').next().unwrap_or_default();
    let valid = (1..=32).contains(&name.len())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    valid.then(
        || json!({"offset": 0, "length": token.encode_utf16().count(), "type": "bot_command"}),
    )
}

fn add_text(message: &mut Map<String, Value>, key: &str, entities_key: &str, text: &str) {
    message.insert(key.into(), json!(text));
    if let Some(entity) = command_entity(text) {
        message.insert(entities_key.into(), json!([entity]));
    }
}

fn update(message: Map<String, Value>) -> Value {
    json!({ "message": message })
}

impl FakeTelegram {
    fn base_message(&self, chat: Value, user_id: i64) -> Map<String, Value> {
        let id = {
            let mut state = self.inner.lock();
            state.next_message_id()
        };
        let mut message = Map::new();
        message.insert("message_id".into(), json!(id));
        message.insert("from".into(), user(user_id));
        message.insert("chat".into(), chat);
        message.insert("date".into(), json!(now()));
        message
    }

    /// All sizes of a photo made from a stored file, smallest first; the
    /// last is the file itself. Panics unless the file decodes.
    pub fn photo_sizes(&self, file_id: &str) -> Value {
        let mut state = self.inner.lock();
        let file = state
            .files
            .get(file_id)
            .unwrap_or_else(|| panic!("photo {file_id} was never added"));
        let largest = {
            let (width, height) = file.dims.expect("a photo must be a decodable image");
            let mut meta = file.meta(file_id);
            meta["width"] = json!(width);
            meta["height"] = json!(height);
            meta
        };
        let cached = file.thumbs.clone();
        let bytes = file.bytes.clone().expect("a photo has bytes");
        let mut sizes = match cached {
            Some(thumbs) => thumbs,
            None => {
                let image = image::load_from_memory(&bytes).expect("a photo decodes");
                let long = image.width().max(image.height());
                let mut thumbs = Vec::new();
                for side in PHOTO_SIDES.into_iter().filter(|side| *side < long) {
                    let small = image.thumbnail(side, side).to_rgb8();
                    let mut jpeg = Cursor::new(Vec::new());
                    small
                        .write_to(&mut jpeg, image::ImageFormat::Jpeg)
                        .expect("encode a thumbnail");
                    let jpeg = jpeg.into_inner();
                    let size = jpeg.len() as u64;
                    let id = state.store_file(Some(jpeg), size, "jpg");
                    let mut meta = state.files[&id].meta(&id);
                    meta["width"] = json!(small.width());
                    meta["height"] = json!(small.height());
                    thumbs.push(meta);
                }
                if let Some(file) = state.files.get_mut(file_id) {
                    file.thumbs = Some(thumbs.clone());
                }
                thumbs
            }
        };
        sizes.push(largest);
        Value::Array(sizes)
    }

    /// The `document` object for a stored file, named `secret-holiday.<ext>`.
    pub fn document(&self, file_id: &str) -> Value {
        let state = self.inner.lock();
        let file = state
            .files
            .get(file_id)
            .unwrap_or_else(|| panic!("document {file_id} was never added"));
        let ext = file.path.rsplit_once('.').map_or("bin", |(_, ext)| ext);
        let mut document = file.meta(file_id);
        document["file_name"] = json!(format!("{DOCUMENT_NAME}.{ext}"));
        document["mime_type"] = json!(mime_of(ext));
        document
    }

    fn photo_message(
        &self,
        chat: Value,
        user_id: i64,
        file_id: &str,
        caption: Option<&str>,
    ) -> Map<String, Value> {
        let mut message = self.base_message(chat, user_id);
        message.insert("photo".into(), self.photo_sizes(file_id));
        if let Some(caption) = caption {
            add_text(&mut message, "caption", "caption_entities", caption);
        }
        message
    }

    pub fn private_photo(
        &self,
        chat_id: i64,
        user_id: i64,
        file_id: &str,
        caption: Option<&str>,
    ) -> Value {
        update(self.photo_message(private_chat(chat_id), user_id, file_id, caption))
    }

    pub fn group_photo(
        &self,
        chat_id: i64,
        user_id: i64,
        file_id: &str,
        caption: Option<&str>,
    ) -> Value {
        update(self.photo_message(supergroup(chat_id), user_id, file_id, caption))
    }

    pub fn private_document(
        &self,
        chat_id: i64,
        user_id: i64,
        file_id: &str,
        caption: Option<&str>,
    ) -> Value {
        let mut message = self.base_message(private_chat(chat_id), user_id);
        message.insert("document".into(), self.document(file_id));
        if let Some(caption) = caption {
            add_text(&mut message, "caption", "caption_entities", caption);
        }
        update(message)
    }

    pub fn private_text(&self, chat_id: i64, user_id: i64, text: &str) -> Value {
        let mut message = self.base_message(private_chat(chat_id), user_id);
        add_text(&mut message, "text", "entities", text);
        update(message)
    }

    /// A supergroup text message, optionally replying to `reply_to` (a
    /// message, or an update carrying one).
    pub fn group_message_text(
        &self,
        chat_id: i64,
        user_id: i64,
        text: &str,
        reply_to: Option<Value>,
    ) -> Value {
        let mut message = self.base_message(supergroup(chat_id), user_id);
        add_text(&mut message, "text", "entities", text);
        if let Some(mut replied) = reply_to {
            if let Some(inner) = replied.get("message") {
                replied = inner.clone();
            }
            if let Some(object) = replied.as_object_mut() {
                object.remove("reply_to_message");
            }
            message.insert("reply_to_message".into(), replied);
        }
        update(message)
    }

    /// One update per photo, sharing a `media_group_id`; `caption` rides on
    /// the first only, as Telegram does.
    pub fn private_album(
        &self,
        chat_id: i64,
        user_id: i64,
        file_ids: &[&str],
        caption: Option<&str>,
    ) -> Vec<Value> {
        let group = self.inner.lock().next_media_group_id();
        file_ids
            .iter()
            .enumerate()
            .map(|(i, file_id)| {
                let caption = if i == 0 { caption } else { None };
                let mut message =
                    self.photo_message(private_chat(chat_id), user_id, file_id, caption);
                message.insert("media_group_id".into(), json!(group));
                update(message)
            })
            .collect()
    }

    /// `user_id` pressing a button with `data` under `message` (the bot's
    /// message as it stands, e.g. from `FakeTelegram::message`).
    pub fn callback_query(&self, user_id: i64, message: Value, data: &str) -> Value {
        let id = {
            let mut state = self.inner.lock();
            state.callback_seq += 1;
            format!("{}", 5_871_254_113_000_000_000u64 + state.callback_seq)
        };
        json!({
            "callback_query": {
                "id": id,
                "from": user(user_id),
                "message": message,
                "chat_instance": "-7351862394012847213",
                "data": data,
            }
        })
    }
}
