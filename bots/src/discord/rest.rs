//! Every REST call the Discord adapter makes: the interaction callback,
//! edits and follow-ups, channel messages, reading a message, and command
//! registration (the gateway and the typing indicator stay serenity's).
//! They go through our own HTTP client because serenity's hides what a 429
//! says once its rate limiter is off, and that limiter cannot be on with
//! `DISCORD_API_URL` (it ignores the base URL). Every call here goes through
//! the one retry policy (`crate::retry`), and a 429 is waited out for
//! exactly what Discord asked: `retry_after` in the body, else the
//! `Retry-After` or `X-RateLimit-Reset-After` header. Bodies are serenity's
//! own builders, serialized; files travel as `files[n]` parts. Paths carry
//! interaction tokens, so no error here names its URL.

use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::multipart::{Form, Part};
use reqwest::{Method, Response};
use serde::Serialize;
use serde_json::{Value, json};
use serenity::all::{
    ApplicationId, ChannelId, CreateAttachment, CreateCommand, CreateInteractionResponse,
    CreateInteractionResponseFollowup, CreateMessage, EditInteractionResponse, GuildId,
    InteractionId, Message, MessageId,
};

use crate::retry::{self, Retry, Verdict};

const API: &str = "/api/v10";
/// Discord asks bots to say who they are in this form.
const USER_AGENT: &str = concat!("DiscordBot (pixdrop, ", env!("CARGO_PKG_VERSION"), ")");
/// The longest one call may take, an upload included.
const CALL_TIMEOUT: Duration = Duration::from_secs(60);

/// Discord's REST API at `base` (`https://discord.com`, or `DISCORD_API_URL`).
pub struct Rest {
    client: reqwest::Client,
    base: String,
    authorization: String,
}

/// Why a call failed.
#[derive(Debug)]
pub enum Error {
    /// 429, with the wait Discord asked for when it said.
    RateLimited(Option<Duration>),
    /// Any other refusal, with Discord's error message.
    Refused { status: u16, message: String },
    /// No connection: the request never arrived.
    Unreachable(String),
    /// Sent, but no answer came (it may have been carried out).
    Unanswered(String),
    /// An answer that wasn't what the route returns.
    Unreadable(String),
    /// The interaction's own HTTP request ended before its first answer.
    Closed,
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::RateLimited(Some(wait)) => write!(f, "rate limited for {wait:?}"),
            Self::RateLimited(None) => write!(f, "rate limited"),
            Self::Refused { status, message } => write!(f, "discord answered {status}: {message}"),
            Self::Unreachable(why) => write!(f, "discord unreachable: {why}"),
            Self::Unanswered(why) => write!(f, "no answer from discord: {why}"),
            Self::Unreadable(why) => write!(f, "discord answer unreadable: {why}"),
            Self::Closed => write!(f, "the interaction request had already ended"),
        }
    }
}

impl Verdict for Error {
    fn retry(&self) -> Retry {
        match self {
            Self::RateLimited(wait) => Retry::After(*wait),
            Self::Unreachable(_) => Retry::Soon,
            // A retry could post the same message twice.
            Self::Unanswered(_) => Retry::Never,
            Self::Refused { .. } | Self::Unreadable(_) | Self::Closed => Retry::Never,
        }
    }
}

/// How long an edit of `@original` waits before trying again after a 404.
/// When the first answer was the HTTP response to Discord's own request
/// (interactions endpoint), the edit can arrive before Discord has taken
/// that answer in, and the message is unknown for a moment. An edit is
/// idempotent, so trying again can't post anything twice.
const ORIGINAL_SETTLING: [Duration; 4] = [
    Duration::from_millis(100),
    Duration::from_millis(200),
    Duration::from_millis(400),
    Duration::from_millis(800),
];

/// A request body, rebuilt for every attempt.
enum Body<'a> {
    Empty,
    Json(Value),
    /// The JSON as `payload_json`, with `attachments` naming `files` by index.
    Files(Value, &'a [CreateAttachment]),
}

impl<'a> Body<'a> {
    fn of(payload: &impl Serialize, files: &'a [CreateAttachment]) -> Result<Self, Error> {
        let payload =
            serde_json::to_value(payload).map_err(|e| Error::Unreadable(e.to_string()))?;
        Ok(match files {
            [] => Self::Json(payload),
            files => Self::Files(payload, files),
        })
    }
}

impl Rest {
    pub fn new(token: &str, api_url: Option<&str>) -> Result<Self, String> {
        let client = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .timeout(CALL_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("discord REST client: {e}"))?;
        Ok(Self {
            client,
            base: api_url
                .unwrap_or("https://discord.com")
                .trim_end_matches('/')
                .to_string(),
            authorization: format!("Bot {token}"),
        })
    }

    /// The first answer to an interaction.
    pub async fn callback(
        &self,
        id: InteractionId,
        token: &str,
        response: &CreateInteractionResponse,
    ) -> Result<(), Error> {
        let path = format!("/interactions/{id}/{token}/callback");
        self.call(Method::POST, &path, response, &[])
            .await
            .map(drop)
    }

    /// Replaces the original (often deferred) answer.
    pub async fn edit_original(
        &self,
        application: ApplicationId,
        token: &str,
        edit: &EditInteractionResponse,
        files: &[CreateAttachment],
    ) -> Result<(), Error> {
        let path = format!("/webhooks/{application}/{token}/messages/@original");
        let mut settling = ORIGINAL_SETTLING.iter();
        loop {
            match self.call(Method::PATCH, &path, edit, files).await {
                Err(error @ Error::Refused { status: 404, .. }) => match settling.next() {
                    Some(wait) => tokio::time::sleep(*wait).await,
                    None => return Err(error),
                },
                done => return done.map(drop),
            }
        }
    }

    pub async fn delete_original(
        &self,
        application: ApplicationId,
        token: &str,
    ) -> Result<(), Error> {
        let path = format!("/webhooks/{application}/{token}/messages/@original");
        self.send_retrying(Method::DELETE, &path, || Ok(Body::Empty))
            .await
            .map(drop)
    }

    pub async fn follow_up(
        &self,
        application: ApplicationId,
        token: &str,
        message: &CreateInteractionResponseFollowup,
        files: &[CreateAttachment],
    ) -> Result<(), Error> {
        let path = format!("/webhooks/{application}/{token}");
        self.call(Method::POST, &path, message, files)
            .await
            .map(drop)
    }

    /// Posts `message` in `channel`.
    pub async fn post(
        &self,
        channel: ChannelId,
        message: &CreateMessage,
        files: &[CreateAttachment],
    ) -> Result<(), Error> {
        let path = format!("/channels/{channel}/messages");
        self.call(Method::POST, &path, message, files)
            .await
            .map(drop)
    }

    pub async fn message(&self, channel: ChannelId, id: MessageId) -> Result<Message, Error> {
        let path = format!("/channels/{channel}/messages/{id}");
        read(
            self.send_retrying(Method::GET, &path, || Ok(Body::Empty))
                .await?,
        )
        .await
    }

    /// The application the token belongs to.
    pub async fn application(&self) -> Result<ApplicationId, Error> {
        #[derive(serde::Deserialize)]
        struct Application {
            id: ApplicationId,
        }
        let found = self
            .send_retrying(Method::GET, "/applications/@me", || Ok(Body::Empty))
            .await?;
        read::<Application>(found).await.map(|a| a.id)
    }

    /// Replaces the application's commands, globally or in `guild`.
    pub async fn set_commands(
        &self,
        application: ApplicationId,
        guild: Option<GuildId>,
        commands: &[CreateCommand],
    ) -> Result<(), Error> {
        let path = match guild {
            Some(guild) => format!("/applications/{application}/guilds/{guild}/commands"),
            None => format!("/applications/{application}/commands"),
        };
        self.call(Method::PUT, &path, &commands, &[])
            .await
            .map(drop)
    }

    async fn call(
        &self,
        method: Method,
        path: &str,
        payload: &impl Serialize,
        files: &[CreateAttachment],
    ) -> Result<Response, Error> {
        self.send_retrying(method, path, || Body::of(payload, files))
            .await
    }

    async fn send_retrying<'a>(
        &self,
        method: Method,
        path: &str,
        body: impl Fn() -> Result<Body<'a>, Error>,
    ) -> Result<Response, Error> {
        retry::retrying(|| {
            let body = body();
            let method = method.clone();
            async move { self.send(method, path, body?).await }
        })
        .await
    }

    /// One attempt.
    async fn send(&self, method: Method, path: &str, body: Body<'_>) -> Result<Response, Error> {
        let request = self
            .client
            .request(method, format!("{}{API}{path}", self.base))
            .header(reqwest::header::AUTHORIZATION, &self.authorization);
        let request = match body {
            Body::Empty => request,
            Body::Json(json) => request.json(&json),
            Body::Files(payload, files) => request.multipart(form(payload, files)?),
        };
        let response = request.send().await.map_err(|e| {
            let connected = !e.is_connect();
            let why = e.without_url().to_string();
            match connected {
                true => Error::Unanswered(why),
                false => Error::Unreachable(why),
            }
        })?;
        if response.status().is_success() {
            return Ok(response);
        }
        Err(refusal(response).await)
    }
}

async fn read<T: serde::de::DeserializeOwned>(response: Response) -> Result<T, Error> {
    response
        .json()
        .await
        .map_err(|e| Error::Unreadable(e.without_url().to_string()))
}

/// `payload_json` with an `attachments` entry per file, and the files.
fn form(mut payload: Value, files: &[CreateAttachment]) -> Result<Form, Error> {
    let listed: Vec<Value> = files
        .iter()
        .enumerate()
        .map(|(id, file)| json!({"id": id, "filename": file.filename}))
        .collect();
    payload["attachments"] = Value::Array(listed);
    let mut form = Form::new().text("payload_json", payload.to_string());
    for (id, file) in files.iter().enumerate() {
        let mime = mime_guess::from_path(&file.filename).first_or_octet_stream();
        let part = Part::bytes(file.data.clone())
            .file_name(file.filename.clone())
            .mime_str(mime.essence_str())
            .map_err(|e| Error::Unreadable(e.to_string()))?;
        form = form.part(format!("files[{id}]"), part);
    }
    Ok(form)
}

/// What a failed answer says: a rate limit and its wait, or Discord's message.
async fn refusal(response: Response) -> Error {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    if status == 429 {
        return Error::RateLimited(asked_wait(&body, &headers));
    }
    let message = body["message"].as_str().unwrap_or("no message").to_string();
    Error::Refused { status, message }
}

/// How long a 429 asks to wait: the body's `retry_after` (seconds, a
/// float), else the `Retry-After` header, else `X-RateLimit-Reset-After`.
fn asked_wait(body: &Value, headers: &HeaderMap) -> Option<Duration> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<f64>().ok())
    };
    body["retry_after"]
        .as_f64()
        .or_else(|| header("retry-after"))
        .or_else(|| header("x-ratelimit-reset-after"))
        .filter(|seconds| seconds.is_finite() && *seconds >= 0.0)
        .map(Duration::from_secs_f64)
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn the_body_says_the_exact_wait() {
        let body =
            json!({"message": "You are being rate limited.", "retry_after": 1.25, "global": false});
        let wait = asked_wait(&body, &headers(&[("retry-after", "2")]));
        assert_eq!(wait, Some(Duration::from_millis(1250)));
    }

    #[test]
    fn without_a_body_the_headers_say_it() {
        let only_reset = headers(&[("x-ratelimit-reset-after", "0.750")]);
        assert_eq!(
            asked_wait(&Value::Null, &only_reset),
            Some(Duration::from_millis(750))
        );
        let both = headers(&[("retry-after", "3"), ("x-ratelimit-reset-after", "0.750")]);
        assert_eq!(
            asked_wait(&Value::Null, &both),
            Some(Duration::from_secs(3))
        );
    }

    #[test]
    fn nonsense_says_nothing() {
        let body = json!({"retry_after": -1.0});
        assert_eq!(
            asked_wait(&body, &headers(&[("retry-after", "soon")])),
            None
        );
    }
}
