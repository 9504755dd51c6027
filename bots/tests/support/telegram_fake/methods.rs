//! The Bot API methods the fake answers (all but `getUpdates`), each checked
//! the way Telegram checks it (the chat exists, the reply target exists,
//! entities parse, button data fits, a query is answered once) and answered
//! with the real result shape. Runs with the state locked, so nothing here
//! awaits.

use serde_json::{Map, Value, json};

use super::body::{Files, int_of, json_of};
use super::{ApiError, BOT_ID, BOT_USERNAME, State, markup, mime_of, now};

type Fields = Map<String, Value>;
type Answer = Result<Value, ApiError>;

/// A bot may upload at most this much through the public Bot API.
const UPLOAD_CAP: usize = 50 << 20;
/// `getFile` refuses files above this.
const DOWNLOAD_CAP: u64 = 20 << 20;

const CHAT_ACTIONS: [&str; 11] = [
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
];

pub fn bot_user() -> Value {
    json!({"id": BOT_ID, "is_bot": true, "first_name": "pixdrop", "username": BOT_USERNAME})
}

pub fn answer(state: &mut State, method: &str, f: &Fields, files: &Files) -> Answer {
    match method {
        "getme" => {
            let mut me = bot_user();
            me["can_join_groups"] = json!(true);
            me["can_read_all_group_messages"] = json!(false);
            me["supports_inline_queries"] = json!(false);
            me["can_connect_to_business"] = json!(false);
            me["has_main_web_app"] = json!(false);
            Ok(me)
        }
        "logout"
        | "close"
        | "deletemycommands"
        | "setmydescription"
        | "setmyshortdescription"
        | "setmyname"
        | "setchatmenubutton"
        | "setwebhook" => Ok(json!(true)),
        "getwebhookinfo" => Ok(json!({
            "url": "",
            "has_custom_certificate": false,
            "pending_update_count": state.updates.len(),
        })),
        "deletewebhook" => {
            if f.get("drop_pending_updates").and_then(json_of) == Some(json!(true)) {
                state.updates.clear();
            }
            Ok(json!(true))
        }
        "setmycommands" => set_commands(state, f),
        "getmycommands" => Ok(state.commands.clone()),
        "sendchataction" => {
            chat(state, f)?;
            let action = string(f, "action").unwrap_or_default();
            if !CHAT_ACTIONS.contains(&action) {
                return Err(ApiError::bad("wrong parameter action in request"));
            }
            Ok(json!(true))
        }
        "answercallbackquery" => {
            let id = string(f, "callback_query_id").unwrap_or_default();
            match state.callbacks.get_mut(id) {
                Some(answered) if !*answered => {
                    *answered = true;
                    Ok(json!(true))
                }
                _ => Err(ApiError::bad(
                    "query is too old and response timeout expired or query ID is invalid",
                )),
            }
        }
        "getfile" => get_file(state, f),
        "getchatadministrators" => {
            let chat = chat(state, f)?;
            if chat["type"] == "private" {
                return Err(ApiError::bad(
                    "there are no administrators in the private chat",
                ));
            }
            let id = chat["id"].as_i64().unwrap_or_default();
            let admins = state.admins.get(&id).cloned().unwrap_or_default();
            let members: Vec<Value> = admins
                .iter()
                .enumerate()
                .map(|(index, user_id)| chat_member(*user_id, index == 0))
                .collect();
            Ok(json!(members))
        }
        "sendmessage" => {
            let chat = chat(state, f)?;
            let text = text(f, "text", 4096, true)?;
            let mut message = new_message(state, f, chat)?;
            message.insert("text".into(), json!(text.unwrap_or_default()));
            Ok(state.keep(message))
        }
        "senddocument" => send_media(state, f, files, "document"),
        "sendphoto" => send_media(state, f, files, "photo"),
        "sendmediagroup" => send_media_group(state, f, files),
        "editmessagetext" => edit(state, f, Some("text")),
        "editmessagecaption" => edit(state, f, Some("caption")),
        "editmessagereplymarkup" => edit(state, f, None),
        "deletemessage" => {
            let chat = chat(state, f)?;
            let key = (
                chat["id"].as_i64().unwrap_or_default(),
                int(f, "message_id"),
            );
            match state.messages.remove(&key) {
                Some(_) => Ok(json!(true)),
                None => Err(ApiError::bad("message to delete not found")),
            }
        }
        _ => Err(ApiError::new(404, "Not Found")),
    }
}

/// A ChatMember as `getChatAdministrators` lists it: the owner, or an
/// administrator with the usual rights.
fn chat_member(user_id: i64, owner: bool) -> Value {
    let user = super::updates::user(user_id);
    if owner {
        return json!({"status": "creator", "user": user, "is_anonymous": false});
    }
    json!({
        "status": "administrator",
        "user": user,
        "can_be_edited": false,
        "is_anonymous": false,
        "can_manage_chat": true,
        "can_delete_messages": true,
        "can_manage_video_chats": true,
        "can_restrict_members": true,
        "can_promote_members": false,
        "can_change_info": true,
        "can_invite_users": true,
        "can_post_stories": false,
        "can_edit_stories": false,
        "can_delete_stories": false,
        "can_pin_messages": true,
        "can_manage_topics": false,
    })
}

fn string<'a>(f: &'a Fields, key: &str) -> Option<&'a str> {
    f.get(key)?.as_str()
}

fn int(f: &Fields, key: &str) -> i64 {
    f.get(key).and_then(int_of).unwrap_or_default()
}

fn set_commands(state: &mut State, f: &Fields) -> Answer {
    let commands = f.get("commands").and_then(json_of).unwrap_or(json!([]));
    let list = commands.as_array().cloned().unwrap_or_default();
    if list.len() > 100 {
        return Err(ApiError::bad("too many commands"));
    }
    for command in &list {
        let name = command["command"].as_str().unwrap_or_default();
        let valid = (1..=32).contains(&name.len())
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !valid {
            return Err(ApiError::bad("BOT_COMMAND_INVALID"));
        }
        let description = command["description"].as_str().unwrap_or_default();
        if !(1..=256).contains(&description.chars().count()) {
            return Err(ApiError::bad("command description is empty or too long"));
        }
    }
    state.commands = Value::Array(list);
    Ok(json!(true))
}

/// The chat `chat_id` names, as Telegram knows it from earlier updates.
fn chat(state: &State, f: &Fields) -> Result<Value, ApiError> {
    let id = f
        .get("chat_id")
        .ok_or_else(|| ApiError::bad("chat_id is empty"))?;
    let found = match id.as_str().filter(|s| s.starts_with('@')) {
        Some(username) => state
            .chats
            .values()
            .find(|chat| chat["username"].as_str() == Some(&username[1..])),
        None => int_of(id).and_then(|id| state.chats.get(&id)),
    };
    found
        .cloned()
        .ok_or_else(|| ApiError::bad("chat not found"))
}

/// The displayed form of text field `key`, checked against its parse mode
/// and length.
fn text(f: &Fields, key: &str, max: usize, required: bool) -> Result<Option<String>, ApiError> {
    let mode_key = if key == "text" {
        "parse_mode"
    } else {
        "caption_parse_mode"
    };
    let mode = string(f, mode_key).or_else(|| string(f, "parse_mode"));
    let Some(raw) = string(f, key) else {
        return match required {
            true => Err(ApiError::bad("message text is empty")),
            false => Ok(None),
        };
    };
    let plain = markup::plain(raw, mode)
        .map_err(|why| ApiError::bad(&format!("can't parse entities: {why}")))?;
    if plain.trim().is_empty() && required {
        return Err(ApiError::bad("message text is empty"));
    }
    if plain.chars().count() > max {
        let what = if key == "text" {
            "message is too long"
        } else {
            "message caption is too long"
        };
        return Err(ApiError::bad(what));
    }
    Ok(Some(plain))
}

/// An inline keyboard to show on the message, after Telegram's checks.
fn inline_keyboard(f: &Fields) -> Result<Option<Value>, ApiError> {
    let Some(markup) = f.get("reply_markup").and_then(json_of) else {
        return Ok(None);
    };
    let Some(rows) = markup.get("inline_keyboard") else {
        return Ok(None);
    };
    let rows = rows
        .as_array()
        .ok_or_else(|| ApiError::bad("can't parse inline keyboard"))?;
    for button in rows
        .iter()
        .flat_map(|row| row.as_array().cloned().unwrap_or_default())
    {
        if button["text"].as_str().unwrap_or_default().is_empty() {
            return Err(ApiError::bad(
                "can't parse inline keyboard button: Text is empty",
            ));
        }
        if let Some(data) = button.get("callback_data") {
            let len = data.as_str().map_or(0, str::len);
            if !(1..=64).contains(&len) {
                return Err(ApiError::bad("BUTTON_DATA_INVALID"));
            }
        } else if [
            "url",
            "switch_inline_query",
            "web_app",
            "login_url",
            "pay",
            "copy_text",
        ]
        .iter()
        .all(|action| button.get(*action).is_none())
        {
            return Err(ApiError::bad(
                "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
            ));
        }
    }
    Ok(Some(json!({"inline_keyboard": rows})))
}

/// The message being replied to, if the request asks for a reply.
fn reply_target(state: &State, f: &Fields, chat_id: i64) -> Result<Option<Value>, ApiError> {
    let parameters = f.get("reply_parameters").and_then(json_of);
    let id = match &parameters {
        Some(p) => p.get("message_id").and_then(int_of),
        None => f.get("reply_to_message_id").and_then(int_of),
    };
    let Some(id) = id else {
        return Ok(None);
    };
    let in_chat = parameters
        .as_ref()
        .and_then(|p| p.get("chat_id").and_then(int_of))
        .unwrap_or(chat_id);
    match state.messages.get(&(in_chat, id)) {
        Some(target) => {
            let mut target = target.clone();
            if let Some(object) = target.as_object_mut() {
                object.remove("reply_to_message");
            }
            Ok(Some(target))
        }
        None => {
            let lenient = parameters
                .as_ref()
                .and_then(|p| p.get("allow_sending_without_reply"))
                .and_then(json_of)
                == Some(json!(true));
            match lenient {
                true => Ok(None),
                false => Err(ApiError::bad("message to be replied not found")),
            }
        }
    }
}

/// A new bot message in `chat`, validated before it takes an id.
fn new_message(state: &mut State, f: &Fields, chat: Value) -> Result<Map<String, Value>, ApiError> {
    let chat_id = chat["id"].as_i64().unwrap_or_default();
    let keyboard = inline_keyboard(f)?;
    let reply = reply_target(state, f, chat_id)?;
    let mut message = Map::new();
    message.insert("message_id".into(), json!(state.next_message_id()));
    message.insert("from".into(), bot_user());
    message.insert("chat".into(), chat);
    message.insert("date".into(), json!(now()));
    if let Some(reply) = reply {
        message.insert("reply_to_message".into(), reply);
    }
    if let Some(keyboard) = keyboard {
        message.insert("reply_markup".into(), keyboard);
    }
    Ok(message)
}

/// The stored file an input field names: a fresh upload (`attach://x`, or a
/// file part of that name) or the id of a file Telegram already has.
fn input_file(state: &mut State, value: Option<&str>, field: &str, files: &Files) -> Answer {
    let target = value.and_then(|v| v.strip_prefix("attach://"));
    let upload = match (value, target) {
        (_, Some(target)) => files.iter().find(|(f, _, _)| f == field || f == target),
        (None, None) => files.iter().find(|(f, _, _)| f == field),
        (Some(id), None) => {
            return match state.files.get(id) {
                Some(file) => Ok(file.meta(id)),
                None => Err(ApiError::bad("wrong file identifier/HTTP URL specified")),
            };
        }
    };
    let Some((_, name, bytes)) = upload else {
        return Err(ApiError::bad(&format!(
            "there is no {field} in the request"
        )));
    };
    if bytes.is_empty() {
        return Err(ApiError::bad("file must be non-empty"));
    }
    if bytes.len() > UPLOAD_CAP {
        return Err(ApiError::new(413, "Request Entity Too Large"));
    }
    let ext = name.rsplit_once('.').map_or("", |(_, ext)| ext);
    let id = state.store_file(Some(bytes.clone()), bytes.len() as u64, ext);
    let mut meta = state.files[&id].meta(&id);
    if !name.is_empty() {
        meta["file_name"] = json!(name);
    }
    if !ext.is_empty() {
        meta["mime_type"] = json!(mime_of(ext));
    }
    Ok(meta)
}

/// The message body for a document or a photo.
fn media_value(state: &State, kind: &str, meta: Value) -> Value {
    if kind != "photo" {
        return meta;
    }
    let id = meta["file_id"].as_str().unwrap_or_default();
    let (width, height) = state
        .files
        .get(id)
        .and_then(|file| file.dims)
        .unwrap_or((0, 0));
    json!([{
        "file_id": meta["file_id"],
        "file_unique_id": meta["file_unique_id"],
        "file_size": meta["file_size"],
        "width": width,
        "height": height,
    }])
}

fn send_media(state: &mut State, f: &Fields, files: &Files, kind: &str) -> Answer {
    let chat = chat(state, f)?;
    let caption = text(f, "caption", 1024, false)?;
    inline_keyboard(f)?;
    reply_target(state, f, chat["id"].as_i64().unwrap_or_default())?;
    let meta = input_file(state, string(f, kind), kind, files)?;
    let mut message = new_message(state, f, chat)?;
    message.insert(kind.into(), media_value(state, kind, meta));
    if let Some(caption) = caption.filter(|c| !c.is_empty()) {
        message.insert("caption".into(), json!(caption));
    }
    Ok(state.keep(message))
}

fn send_media_group(state: &mut State, f: &Fields, files: &Files) -> Answer {
    let chat = chat(state, f)?;
    let media = f.get("media").and_then(json_of).unwrap_or(json!([]));
    let items = media.as_array().cloned().unwrap_or_default();
    if !(2..=10).contains(&items.len()) {
        return Err(ApiError::bad(
            "wrong number of media in the album: must be 2-10",
        ));
    }
    reply_target(state, f, chat["id"].as_i64().unwrap_or_default())?;
    let mut prepared = Vec::new();
    for item in &items {
        let kind = item["type"].as_str().unwrap_or_default().to_string();
        if !["photo", "document", "video", "audio"].contains(&kind.as_str()) {
            return Err(ApiError::bad("unsupported media type in the album"));
        }
        let meta = input_file(state, item["media"].as_str(), "media", files)?;
        let caption = item["caption"].as_str().map(str::to_string);
        prepared.push((kind, meta, caption));
    }
    let group = state.next_media_group_id();
    let mut sent = Vec::new();
    for (kind, meta, caption) in prepared {
        let mut message = new_message(state, f, chat.clone())?;
        message.insert(kind.clone(), media_value(state, &kind, meta));
        message.insert("media_group_id".into(), json!(group));
        if let Some(caption) = caption {
            message.insert("caption".into(), json!(caption));
        }
        sent.push(state.keep(message));
    }
    Ok(Value::Array(sent))
}

/// `editMessageText` (`Some("text")`), `editMessageCaption` and
/// `editMessageReplyMarkup` (`None`). Leaving out `reply_markup` drops the
/// keyboard, as on Telegram.
fn edit(state: &mut State, f: &Fields, content: Option<&str>) -> Answer {
    if f.contains_key("inline_message_id") {
        return Err(ApiError::bad("MESSAGE_ID_INVALID"));
    }
    let chat = chat(state, f)?;
    let key = (
        chat["id"].as_i64().unwrap_or_default(),
        int(f, "message_id"),
    );
    let keyboard = inline_keyboard(f)?;
    let new_content = match content {
        Some(key) => text(
            f,
            key,
            if key == "text" { 4096 } else { 1024 },
            key == "text",
        )?,
        None => None,
    };
    let Some(message) = state.messages.get_mut(&key) else {
        return Err(ApiError::bad("message to edit not found"));
    };
    if message["from"]["id"].as_i64() != Some(BOT_ID) {
        return Err(ApiError::bad("message can't be edited"));
    }
    if content == Some("text") && message.get("text").is_none() {
        return Err(ApiError::bad("there is no text in the message to edit"));
    }
    let same_content = match content {
        Some(key) => message.get(key).and_then(Value::as_str) == new_content.as_deref(),
        None => true,
    };
    if same_content && message.get("reply_markup") == keyboard.as_ref() {
        return Err(ApiError::bad(
            "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
        ));
    }
    let object = message
        .as_object_mut()
        .expect("stored messages are objects");
    if let Some(key) = content {
        match new_content {
            Some(new) => object.insert(key.into(), json!(new)),
            None => object.remove(key),
        };
    }
    match keyboard {
        Some(keyboard) => object.insert("reply_markup".into(), keyboard),
        None => object.remove("reply_markup"),
    };
    object.insert("edit_date".into(), json!(now()));
    Ok(message.clone())
}

fn get_file(state: &State, f: &Fields) -> Answer {
    let id = string(f, "file_id").unwrap_or_default();
    let file = state
        .files
        .get(id)
        .ok_or_else(|| ApiError::bad("invalid file_id"))?;
    if file.size > DOWNLOAD_CAP {
        return Err(ApiError::bad("file is too big"));
    }
    let mut meta = file.meta(id);
    meta["file_path"] = json!(file.path);
    Ok(meta)
}
