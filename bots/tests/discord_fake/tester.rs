//! What the tester does: puts files on the CDN and builds the messages and
//! interactions a test sends (slash commands with attachments, the
//! "Convert image" menu, component uses), registered with the fake so its
//! rules apply to their answers; plus hooks to age an interaction or stall
//! a download.

use std::time::Duration;

use serde_json::{Value, json};
use serenity::all::Attachment;
use tokio::time::Instant;

use super::{
    CHANNEL_ID, CdnFile, FakeDiscord, GUILD_ID, Interaction, State, UPLOAD_LIMIT, fnv, parse_id,
    payloads, rest,
};

impl State {
    /// Stores `bytes` on the CDN and describes them as Discord does.
    pub(super) fn attachment(
        &mut self,
        channel_id: u64,
        bytes: &[u8],
        file_name: &str,
        content_type: Option<&str>,
    ) -> Value {
        let id = self.next_id();
        let name = payloads::sanitize_file_name(file_name);
        let content_type = content_type
            .map(str::to_string)
            .unwrap_or_else(|| payloads::content_type_for(&name));
        let path = format!("/attachments/{channel_id}/{id}/{name}");
        let issued = payloads::now_ms() / 1000;
        let query = format!(
            "ex={:08x}&is={issued:08x}&hm={:016x}",
            issued + 24 * 3600,
            fnv(&format!("{path}{issued}"))
        );
        let size = image::ImageReader::new(std::io::Cursor::new(bytes))
            .with_guessed_format()
            .ok()
            .and_then(|reader| reader.into_dimensions().ok());
        let attachment = payloads::model::<Attachment>(json!({
            "id": id.to_string(),
            "filename": name,
            "size": bytes.len(),
            "url": format!("{}{path}?{query}&", self.base),
            "proxy_url": format!("{}/media{path}?{query}&", self.base),
            "content_type": content_type,
            "width": size.map(|(width, _)| width),
            "height": size.map(|(_, height)| height),
        }));
        self.cdn.insert(
            path,
            CdnFile {
                bytes: bytes.to_vec(),
                content_type,
                query,
            },
        );
        attachment
    }

    /// `data` naming the command `name` as Discord does: with the id it
    /// was registered under (a fresh one if never) and, when it lives only
    /// in a guild, that guild.
    fn command_data(&mut self, name: &str, kind: u64) -> Value {
        let same = |c: &&Value| c["name"] == json!(name) && c["type"] == json!(kind);
        let global = self.commands.iter().find(same).cloned();
        let found = global.or_else(|| self.guild_commands.values().flatten().find(same).cloned());
        let id = match found.as_ref().and_then(|c| parse_id(&c["id"])) {
            Some(id) => id,
            None => self.next_id(),
        };
        let mut data = json!({"id": id.to_string(), "name": name, "type": kind});
        if let Some(guild) = found.as_ref().and_then(|c| c.get("guild_id")) {
            data["guild_id"] = guild.clone();
        }
        data
    }

    /// A new interaction from the tester, registered: in the test channel,
    /// or on `message` (a component's) in its channel.
    fn interaction(&mut self, kind: u8, data: Value, size: u32, message: Option<&Value>) -> Value {
        let id = self.next_id();
        let token = format!("aW50ZXJhY3Rpb246{id:x}{:016x}", fnv(&format!("{id}token")));
        let channel = message.and_then(|m| parse_id(&m["channel_id"]));
        let channel = channel.unwrap_or(CHANNEL_ID);
        let value = payloads::interaction(id, &token, kind, channel, data, size, message);
        let interaction = Interaction {
            id,
            value: value.clone(),
            created: Instant::now(),
            dispatched: None,
            acked: None,
            original: None,
        };
        self.interactions.insert(token, interaction);
        value
    }
}

impl FakeDiscord {
    /// Puts `bytes` on the CDN and returns the Attachment object Discord
    /// would send for it (url and proxy_url pointing here, signed).
    pub fn add_attachment(&self, bytes: &[u8], file_name: &str, content_type: &str) -> Value {
        let content_type = (!content_type.is_empty()).then_some(content_type);
        self.shared
            .lock()
            .attachment(CHANNEL_ID, bytes, file_name, content_type)
    }

    /// Makes `message` (any Message object) fetchable with
    /// `GET /channels/{c}/messages/{m}`.
    pub fn add_message(&self, message: &Value) {
        if let Some(id) = parse_id(&message["id"]) {
            self.shared.lock().messages.insert(id, message.clone());
        }
    }

    /// A message from the tester as REST returns it, registered.
    pub fn message(&self, channel_id: u64, attachments: Vec<Value>, content: &str) -> Value {
        let mut state = self.shared.lock();
        let id = state.next_id();
        let message = payloads::message(id, channel_id, payloads::tester(), content, attachments);
        state.messages.insert(id, message.clone());
        message
    }

    /// A MESSAGE_CREATE body: the tester posts `content` and `attachments`
    /// in `channel_id` of the test guild. The message is registered, so
    /// replies to it resolve.
    pub fn message_create(&self, channel_id: u64, attachments: Vec<Value>, content: &str) -> Value {
        let mut message = self.message(channel_id, attachments, content);
        message["guild_id"] = json!(GUILD_ID.to_string());
        message["member"] = payloads::member(None, None);
        message
    }

    /// An INTERACTION_CREATE body for `/name options…` in the test channel.
    /// `resolved_attachments` are the Attachment objects the options name.
    pub fn slash_command(
        &self,
        name: &str,
        options: Vec<Value>,
        resolved_attachments: Vec<Value>,
        attachment_size_limit: u32,
    ) -> Value {
        let mut state = self.shared.lock();
        let mut data = state.command_data(name, 1);
        data["options"] = json!(options);
        if !resolved_attachments.is_empty() {
            let by_id: serde_json::Map<String, Value> = resolved_attachments
                .into_iter()
                .filter_map(|a| Some((a["id"].as_str()?.to_string(), a)))
                .collect();
            data["resolved"] = json!({ "attachments": by_id });
        }
        state.interaction(2, data, attachment_size_limit, None)
    }

    /// An INTERACTION_CREATE body for the message context-menu command
    /// "Convert image" on `target` (a Message object).
    pub fn message_context(&self, target: &Value) -> Value {
        let mut state = self.shared.lock();
        let mut data = state.command_data("Convert image", 3);
        let target_id = target["id"].as_str().expect("target message id");
        data["target_id"] = json!(target_id);
        data["resolved"] = json!({"messages": {target_id: rest::rest_shape(target)}});
        state.interaction(2, data, UPLOAD_LIMIT, None)
    }

    /// An INTERACTION_CREATE body for using the component `custom_id` on
    /// `message` (a select when `values` is not empty, else a button,
    /// unless the message says which it is).
    pub fn component(&self, custom_id: &str, values: Vec<&str>, message: &Value) -> Value {
        let mut state = self.shared.lock();
        let component_type = payloads::find_component(message, custom_id)
            .and_then(|c| c["type"].as_u64())
            .unwrap_or(if values.is_empty() { 2 } else { 3 });
        let mut data = json!({"custom_id": custom_id, "component_type": component_type});
        if component_type != 2 {
            data["values"] = json!(values);
        }
        state.interaction(3, data, UPLOAD_LIMIT, Some(message))
    }

    /// The message `@original` of this interaction names now, if any.
    pub fn original(&self, interaction: &Value) -> Option<Value> {
        let token = interaction["token"].as_str()?;
        self.shared.lock().interactions.get(token)?.original.clone()
    }

    /// Makes this interaction `by` older, as if it had come that long ago
    /// (to try the acknowledgement window and the token's lifetime
    /// without waiting).
    pub fn age_interaction(&self, interaction: &Value, by: Duration) {
        let token = interaction["token"].as_str().expect("interaction token");
        let mut state = self.shared.lock();
        let stored = state
            .interactions
            .get_mut(token)
            .expect("an interaction of this fake");
        stored.created -= by;
        if let Some(dispatched) = &mut stored.dispatched {
            *dispatched -= by;
        }
    }

    /// Makes the CDN send the first `sent` bytes of `attachment` (an
    /// Attachment object this fake issued) and then nothing more.
    pub fn stall_attachment(&self, attachment: &Value, sent: usize) {
        let url = attachment["url"].as_str().expect("attachment url");
        let path = url
            .split('?')
            .next()
            .and_then(|u| u.strip_prefix(&self.api_url()))
            .expect("a URL of this fake")
            .to_string();
        self.shared.lock().stalls.insert(path, sent);
    }
}
