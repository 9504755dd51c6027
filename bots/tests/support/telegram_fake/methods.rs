//! The Bot API methods pixdrop calls (all but `getUpdates`), each checked
//! the way Telegram checks it where a bot can slip in production (the chat
//! exists, required fields are there, text and captions fit, the reply
//! target exists, button data fits 64 bytes, files fit the 20 MB download
//! and 50 MB upload limits, a query is answered once, the webhook is HTTPS
//! with a valid secret) and answered with teloxide's own types, serialized.
//! Any other method is 404, and any `parse_mode` is refused: pixdrop sends
//! plain text, so formatting would be a change the fake must learn first.
//! Runs with the state locked, so nothing here awaits.

use serde::Serialize;
use serde_json::{Map, Value};
use teloxide::types::{
    Administrator, BotCommand, Chat, ChatMember, ChatMemberKind, Document, File,
    InlineKeyboardButtonKind, InlineKeyboardMarkup, Me, MediaKind, Message, Owner, ReplyParameters,
    User, UserId, WebhookInfo,
};

use super::call::{Files, int_of, json_of};
use super::state::State;
use super::updates::{self, common};
use super::{ApiError, BOT_ID, BOT_USERNAME, read};

type Fields = Map<String, Value>;
type Answer = Result<Value, ApiError>;

/// A bot may upload at most this much through the public Bot API.
const UPLOAD_CAP: usize = 50 << 20;
/// `getFile` refuses files above this.
const DOWNLOAD_CAP: u64 = 20 << 20;
const CHAT_ACTIONS: &str = "typing upload_photo record_video upload_video record_voice \
    upload_voice upload_document choose_sticker find_location record_video_note upload_video_note";

pub fn bot_user() -> User {
    User {
        id: UserId(BOT_ID as u64),
        is_bot: true,
        first_name: "pixdrop".into(),
        last_name: None,
        username: Some(BOT_USERNAME.into()),
        language_code: None,
        is_premium: false,
        added_to_attachment_menu: false,
    }
}

fn to(value: impl Serialize) -> Answer {
    Ok(serde_json::to_value(value).expect("answers serialize"))
}

pub fn answer(state: &mut State, method: &str, f: &Fields, files: &Files) -> Answer {
    if f.contains_key("parse_mode") {
        return Err(ApiError::bad(
            "can't parse entities: pixdrop sends plain text, and the fake parses no parse_mode",
        ));
    }
    match method {
        "getme" => to(Me {
            user: bot_user(),
            can_join_groups: true,
            can_read_all_group_messages: false,
            supports_inline_queries: false,
            can_connect_to_business: false,
            has_main_web_app: false,
        }),
        "setmycommands" => set_commands(f),
        "setwebhook" => set_webhook(state, f),
        "getwebhookinfo" => to(WebhookInfo {
            url: state.webhook.as_deref().map(|u| u.parse().expect("a URL")),
            has_custom_certificate: false,
            pending_update_count: state.updates.len() as u32,
            ip_address: None,
            last_error_date: None,
            last_error_message: None,
            last_synchronization_error_date: None,
            max_connections: None,
            allowed_updates: None,
        }),
        "deletewebhook" => {
            if f.get("drop_pending_updates").and_then(json_of) == Some(Value::Bool(true)) {
                state.updates.clear();
            }
            state.webhook = None;
            to(true)
        }
        "sendchataction" => {
            chat(state, f)?;
            let action = string(f, "action").unwrap_or_default();
            if !CHAT_ACTIONS.split_whitespace().any(|known| known == action) {
                return Err(ApiError::bad("wrong parameter action in request"));
            }
            to(true)
        }
        "answercallbackquery" => {
            text(f, "text", 200)?;
            let id = string(f, "callback_query_id").unwrap_or_default();
            match state.callbacks.get_mut(id) {
                Some(answered) if !*answered => {
                    *answered = true;
                    to(true)
                }
                _ => Err(ApiError::bad(
                    "query is too old and response timeout expired or query ID is invalid",
                )),
            }
        }
        "deletemessage" => delete_message(state, f),
        "getfile" => {
            let id = string(f, "file_id").unwrap_or_default();
            let file = state
                .files
                .get(id)
                .ok_or(ApiError::bad("invalid file_id"))?;
            if file.size > DOWNLOAD_CAP {
                return Err(ApiError::bad("file is too big"));
            }
            let path = file.path.clone();
            to(File {
                meta: file.meta(id),
                path,
            })
        }
        "getchatadministrators" => administrators(state, f),
        "sendmessage" => {
            let chat = chat(state, f)?;
            let text = text(f, "text", 4096)?.unwrap_or_default();
            if text.trim().is_empty() {
                return Err(ApiError::bad("message text is empty"));
            }
            let extras = Extras::read(state, f, &chat)?;
            let message = extras.message(state, chat, updates::text_media(&text));
            keep(state, message)
        }
        "senddocument" => {
            let chat = chat(state, f)?;
            let caption = text(f, "caption", 1024)?;
            let extras = Extras::read(state, f, &chat)?;
            let document = input_document(state, string(f, "document"), files)?;
            let media = updates::document_media(document, caption.as_deref());
            let message = extras.message(state, chat, media);
            keep(state, message)
        }
        _ => Err(ApiError::new(404, "Not Found")),
    }
}

fn keep(state: &mut State, message: Message) -> Answer {
    let key = (message.chat.id.0, i64::from(message.id.0));
    state.messages.insert(key, message.clone());
    to(message)
}

/// A bot deletes its own messages (others' only as an admin, which the
/// fake's bot never is); a message deleted once is not found again.
fn delete_message(state: &mut State, f: &Fields) -> Answer {
    let chat = chat(state, f)?;
    let id = f.get("message_id").and_then(int_of).unwrap_or_default();
    let key = (chat.id.0, id);
    match state.messages.get(&key) {
        Some(message)
            if message
                .from
                .as_ref()
                .is_some_and(|u| u.id.0 == BOT_ID as u64) =>
        {
            state.messages.remove(&key);
            to(true)
        }
        Some(_) => Err(ApiError::bad("message can't be deleted")),
        None => Err(ApiError::bad("message to delete not found")),
    }
}

fn string<'a>(f: &'a Fields, key: &str) -> Option<&'a str> {
    f.get(key)?.as_str()
}

fn set_commands(f: &Fields) -> Answer {
    let commands = f.get("commands").and_then(json_of).unwrap_or_default();
    let list: Vec<BotCommand> =
        read(&commands).map_err(|_| ApiError::bad("can't parse commands"))?;
    if list.len() > 100 {
        return Err(ApiError::bad("too many commands"));
    }
    for command in &list {
        let name = &command.command;
        let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_';
        if !(1..=32).contains(&name.len()) || !name.chars().all(allowed) {
            return Err(ApiError::bad("BOT_COMMAND_INVALID"));
        }
        if !(1..=256).contains(&command.description.chars().count()) {
            return Err(ApiError::bad("command description is empty or too long"));
        }
    }
    to(true)
}

fn set_webhook(state: &mut State, f: &Fields) -> Answer {
    let url = string(f, "url").unwrap_or_default();
    if !url.starts_with("https://") {
        return Err(ApiError::bad(
            "bad webhook: An HTTPS URL must be provided for webhook",
        ));
    }
    if let Some(secret) = string(f, "secret_token") {
        let allowed = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
        if !(1..=256).contains(&secret.len()) || !secret.chars().all(allowed) {
            return Err(ApiError::bad("secret token contains unallowed characters"));
        }
    }
    state.webhook = Some(url.to_string());
    to(true)
}

fn administrators(state: &State, f: &Fields) -> Answer {
    let chat = chat(state, f)?;
    if chat.is_private() {
        return Err(ApiError::bad(
            "there are no administrators in the private chat",
        ));
    }
    let admins = state.admins.get(&chat.id.0).cloned().unwrap_or_default();
    let member = |(index, id): (usize, &i64)| {
        let kind = match index {
            0 => ChatMemberKind::Owner(Owner {
                custom_title: None,
                is_anonymous: false,
            }),
            _ => ChatMemberKind::Administrator(Administrator {
                custom_title: None,
                is_anonymous: false,
                can_be_edited: false,
                can_manage_chat: true,
                can_change_info: true,
                can_post_messages: false,
                can_edit_messages: false,
                can_delete_messages: true,
                can_post_stories: false,
                can_edit_stories: false,
                can_delete_stories: false,
                can_manage_video_chats: true,
                can_invite_users: true,
                can_restrict_members: true,
                can_pin_messages: true,
                can_manage_topics: false,
                can_promote_members: false,
            }),
        };
        let user = updates::user(*id as u64);
        ChatMember { user, kind }
    };
    to(admins.iter().enumerate().map(member).collect::<Vec<_>>())
}

/// The chat `chat_id` names, as Telegram knows it from earlier updates.
fn chat(state: &State, f: &Fields) -> Result<Chat, ApiError> {
    let id = f.get("chat_id").ok_or(ApiError::bad("chat_id is empty"))?;
    let found = int_of(id).and_then(|id| state.chats.get(&id));
    found.cloned().ok_or(ApiError::bad("chat not found"))
}

/// Text field `key`, checked against its length limit.
fn text(f: &Fields, key: &str, max: usize) -> Result<Option<String>, ApiError> {
    let Some(text) = string(f, key) else {
        return Ok(None);
    };
    if text.chars().count() > max {
        return Err(ApiError::bad(match key {
            "text" => "message is too long",
            _ => "message caption is too long",
        }));
    }
    Ok(Some(text.to_string()))
}

/// What a new message carries besides its content: the keyboard and the
/// message it replies to, both checked before anything is stored.
struct Extras {
    keyboard: Option<InlineKeyboardMarkup>,
    reply_to: Option<Message>,
}

impl Extras {
    fn read(state: &State, f: &Fields, chat: &Chat) -> Result<Self, ApiError> {
        let keyboard = match f.get("reply_markup").and_then(json_of) {
            Some(markup) => Some(keyboard(markup)?),
            None => None,
        };
        let Some(parameters) = f.get("reply_parameters").and_then(json_of) else {
            return Ok(Self {
                keyboard,
                reply_to: None,
            });
        };
        let parameters: ReplyParameters = read(&parameters)
            .map_err(|_| ApiError::bad("can't parse reply parameters JSON object"))?;
        let key = (chat.id.0, i64::from(parameters.message_id.0));
        let reply_to = match state.messages.get(&key) {
            Some(target) => {
                let mut target = target.clone();
                common(&mut target).reply_to_message = None;
                Some(target)
            }
            None if parameters.allow_sending_without_reply == Some(true) => None,
            None => return Err(ApiError::bad("message to be replied not found")),
        };
        Ok(Self { keyboard, reply_to })
    }

    fn message(self, state: &mut State, chat: Chat, media: MediaKind) -> Message {
        let id = state.next_message_id();
        let mut message = updates::message(id, chat, bot_user(), media);
        let common = common(&mut message);
        common.reply_to_message = self.reply_to.map(Box::new);
        common.reply_markup = self.keyboard;
        message
    }
}

/// An inline keyboard after Telegram's checks: every button has text and
/// an action, callback data is 1 to 64 bytes.
fn keyboard(markup: Value) -> Result<InlineKeyboardMarkup, ApiError> {
    let markup: InlineKeyboardMarkup =
        read(&markup).map_err(|_| ApiError::bad("can't parse inline keyboard button"))?;
    for button in markup.inline_keyboard.iter().flatten() {
        if button.text.is_empty() {
            return Err(ApiError::bad(
                "can't parse inline keyboard button: Text is empty",
            ));
        }
        if let InlineKeyboardButtonKind::CallbackData(data) = &button.kind
            && !(1..=64).contains(&data.len())
        {
            return Err(ApiError::bad("BUTTON_DATA_INVALID"));
        }
    }
    Ok(markup)
}

/// The document a `document` field names: a fresh upload (`attach://x`)
/// or the id of a file Telegram already has.
fn input_document(
    state: &mut State,
    value: Option<&str>,
    files: &Files,
) -> Result<Document, ApiError> {
    let value = value.ok_or(ApiError::bad("there is no document in the request"))?;
    if !value.starts_with("attach://") {
        let file = state.files.get(value);
        let file = file.ok_or(ApiError::bad("wrong file identifier/HTTP URL specified"))?;
        let (file, mime_type) = (file.meta(value), None);
        return Ok(Document {
            file,
            thumbnail: None,
            file_name: None,
            mime_type,
        });
    }
    let (_, name, bytes) = files
        .iter()
        .find(|(field, _, _)| field == "document")
        .ok_or(ApiError::bad("there is no document in the request"))?;
    if bytes.is_empty() {
        return Err(ApiError::bad("file must be non-empty"));
    }
    if bytes.len() > UPLOAD_CAP {
        return Err(ApiError::new(413, "Request Entity Too Large"));
    }
    let ext = name.rsplit_once('.').map_or("", |(_, ext)| ext);
    let id = state.store_file(Some(bytes.clone()), bytes.len() as u64, ext);
    Ok(Document {
        file: state.files[&id].meta(&id),
        thumbnail: None,
        file_name: Some(name.clone()).filter(|name| !name.is_empty()),
        mime_type: mime_guess::from_ext(ext).first(),
    })
}
