//! The gateway websocket as serenity speaks to it: Hello → Identify →
//! READY, heartbeat ACKs, Resume, Discord's close codes for a bad token,
//! shard or second Identify, and op 0 dispatches with increasing sequence
//! numbers, filtered by the identified intents as Discord filters them.
//! Frames are plain JSON text. A process with several shards holds one
//! connection each; dispatches go to the one that identified last, and
//! wait for a session when none is up.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role};

use super::{APPLICATION_ID, HEARTBEAT_INTERVAL_MS, Shared, TOKEN, fnv, intents, payloads};

enum Out {
    Text(String),
    Close(u16, &'static str),
}

/// The gateway's side of the fake's state.
#[derive(Default)]
pub struct Gateway {
    pub connections: u64,
    /// The last Identify's `d`.
    pub identify: Option<Value>,
    /// The `[index, total]` of every Identify answered with READY, in order.
    pub shards: Vec<[u64; 2]>,
    /// The shard count a bot must identify with, when the test set one.
    pub total_shards: Option<u64>,
    /// What happened, one line each, for failure messages.
    log: Vec<String>,
    /// The websocket URL, which is also the `resume_gateway_url`.
    url: String,
    session_id: Option<String>,
    seq: u64,
    /// The identified connection and its outbox.
    live: Option<(u64, mpsc::UnboundedSender<Out>)>,
    /// Dispatches waiting for a session.
    backlog: Vec<(String, Value)>,
}

impl Gateway {
    pub fn new(url: String) -> Self {
        Self {
            url,
            ..Self::default()
        }
    }

    pub fn ready_identify(&self) -> Option<Value> {
        self.live.as_ref().and(self.identify.clone())
    }

    pub fn describe(&self) -> String {
        let mut out = format!("  gateway: {} connection(s)\n", self.connections);
        for line in &self.log {
            out.push_str(&format!("  {line}\n"));
        }
        out
    }

    fn intents(&self) -> u64 {
        let intents = self.identify.as_ref().map(|i| &i["intents"]);
        intents.and_then(Value::as_u64).unwrap_or(0)
    }

    pub fn dispatch(&mut self, event: &str, data: Value) {
        match &self.live {
            Some(_) => self.send_dispatch(event, data),
            None => self.backlog.push((event.to_string(), data)),
        }
    }

    fn send_dispatch(&mut self, event: &str, data: Value) {
        let Some(data) = filter(event, data, self.intents()) else {
            self.log.push(format!("dropped {event} (intents)"));
            return;
        };
        self.seq += 1;
        let line: String = format!("dispatched {event}: {data}")
            .chars()
            .take(200)
            .collect();
        self.log.push(line);
        let frame = json!({"op": 0, "t": event, "s": self.seq, "d": data});
        if let Some((_, out)) = &self.live {
            let _ = out.send(Out::Text(frame.to_string()));
        }
    }

    /// Makes `connection` the live session and sends what waited for one.
    fn go_live(&mut self, connection: u64, out: &mpsc::UnboundedSender<Out>) {
        self.live = Some((connection, out.clone()));
        for (event, data) in std::mem::take(&mut self.backlog) {
            self.send_dispatch(&event, data);
        }
    }

    pub fn kick(&mut self, code: u16) {
        if let Some((_, out)) = self.live.take() {
            let _ = out.send(Out::Close(code, "Disconnected by the test."));
        }
    }

    pub fn close_all(&mut self) {
        self.kick(1001);
    }
}

/// What Discord sends of `event` to a client with `intents`; `None` when
/// the event is not sent at all.
fn filter(event: &str, mut data: Value, intents: u64) -> Option<Value> {
    if event != "MESSAGE_CREATE" {
        return Some(data);
    }
    let in_guild = data.get("guild_id").is_some_and(|g| !g.is_null());
    let needed = match in_guild {
        true => intents::GUILD_MESSAGES,
        false => intents::DIRECT_MESSAGES,
    };
    if intents & needed == 0 {
        return None;
    }
    let bot = json!(APPLICATION_ID.to_string());
    let by_bot = data["author"]["id"] == bot;
    let mentions_bot = data["mentions"]
        .as_array()
        .is_some_and(|m| m.iter().any(|u| u["id"] == bot));
    if in_guild && intents & intents::MESSAGE_CONTENT == 0 && !by_bot && !mentions_bot {
        data["content"] = json!("");
        for key in ["embeds", "attachments", "components"] {
            data[key] = json!([]);
        }
    }
    Some(data)
}

/// Answers the websocket upgrade and runs the connection.
pub fn upgrade(shared: Arc<Shared>, mut request: Request) -> Response {
    let key = request.headers().get(header::SEC_WEBSOCKET_KEY).cloned();
    let Some(key) = key else {
        return (StatusCode::BAD_REQUEST, "Expected a websocket upgrade").into_response();
    };
    let query = request.uri().query().unwrap_or("").to_string();
    let pending = hyper::upgrade::on(&mut request);
    tokio::spawn(async move {
        let Ok(upgraded) = pending.await else {
            return;
        };
        let ws = WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, None).await;
        connection(shared, ws, query).await;
    });
    Response::builder()
        .status(StatusCode::SWITCHING_PROTOCOLS)
        .header(header::CONNECTION, "upgrade")
        .header(header::UPGRADE, "websocket")
        .header(
            header::SEC_WEBSOCKET_ACCEPT,
            derive_accept_key(key.as_bytes()),
        )
        .body(Body::empty())
        .expect("upgrade response")
}

async fn connection<S>(shared: Arc<Shared>, mut ws: WebSocketStream<S>, query: String)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let (out, mut outbox) = mpsc::unbounded_channel();
    let id = {
        let mut state = shared.lock();
        state.gateway.connections += 1;
        state.gateway.connections
    };
    shared.bump();
    if query.split('&').any(|pair| pair == "v=10") {
        let hello = json!({
            "op": 10, "s": null, "t": null,
            "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS},
        });
        let _ = out.send(Out::Text(hello.to_string()));
    } else {
        let _ = out.send(Out::Close(4012, "Invalid API version"));
    }
    let mut identified = false;
    loop {
        tokio::select! {
            incoming = ws.next() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    receive(&mut shared.lock().gateway, id, &out, &text, &mut identified);
                    shared.bump();
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => {}
            },
            next = outbox.recv() => match next {
                Some(Out::Text(text)) => {
                    if ws.send(Message::Text(text)).await.is_err() {
                        break;
                    }
                }
                Some(Out::Close(code, reason)) => {
                    shared.lock().gateway.log.push(format!("closed {code}: {reason}"));
                    let frame = CloseFrame { code: code.into(), reason: reason.into() };
                    let _ = ws.close(Some(frame)).await;
                    break;
                }
                None => break,
            }
        }
    }
    let mut state = shared.lock();
    if state
        .gateway
        .live
        .as_ref()
        .is_some_and(|(live, _)| *live == id)
    {
        state.gateway.live = None;
    }
    drop(state);
    shared.bump();
}

/// The Identify's `shard` as Discord reads it: absent means `[0, 1]`;
/// otherwise two integers, the index below the total.
fn shard_of(identify: &Value) -> Option<[u64; 2]> {
    let Some(shard) = identify.get("shard").filter(|s| !s.is_null()) else {
        return Some([0, 1]);
    };
    let [index, total] = shard.as_array()?.as_slice() else {
        return None;
    };
    let (index, total) = (index.as_u64()?, total.as_u64()?);
    (index < total).then_some([index, total])
}

/// Handles one client frame.
fn receive(
    gateway: &mut Gateway,
    connection: u64,
    out: &mpsc::UnboundedSender<Out>,
    text: &str,
    identified: &mut bool,
) {
    let close = |code, reason| drop(out.send(Out::Close(code, reason)));
    let Ok(frame) = serde_json::from_str::<Value>(text) else {
        return close(4002, "Error while decoding payload.");
    };
    let d = &frame["d"];
    let token = d["token"].as_str().unwrap_or("");
    let token_ok = token.strip_prefix("Bot ").unwrap_or(token) == TOKEN;
    match frame["op"].as_u64() {
        Some(1) => drop(out.send(Out::Text(json!({"op": 11}).to_string()))),
        Some(2) if *identified => close(4005, "Already authenticated."),
        Some(2 | 6) if !token_ok => close(4004, "Authentication failed."),
        Some(2) => {
            if !d["intents"].is_u64() {
                return close(4013, "Invalid intent(s).");
            }
            let Some([index, total]) = shard_of(d) else {
                return close(4010, "Invalid shard.");
            };
            if gateway.total_shards.is_some_and(|want| want != total) {
                return close(4011, "Sharding required.");
            }
            *identified = true;
            gateway.identify = Some(d.clone());
            let session = format!(
                "{:016x}",
                fnv(&format!("session{connection}{}", payloads::now_ms()))
            );
            gateway.session_id = Some(session.clone());
            gateway.seq = 1;
            let ready = payloads::ready(&session, &gateway.url, [index, total]);
            let frame = json!({"op": 0, "t": "READY", "s": 1, "d": ready});
            let _ = out.send(Out::Text(frame.to_string()));
            gateway
                .log
                .push(format!("READY for shard [{index}, {total}]"));
            gateway.shards.push([index, total]);
            gateway.go_live(connection, out);
        }
        Some(6) if d["session_id"].as_str() != gateway.session_id.as_deref() => {
            let _ = out.send(Out::Text(json!({"op": 9, "d": false}).to_string()));
        }
        Some(6) => {
            *identified = true;
            gateway.go_live(connection, out);
            gateway.send_dispatch("RESUMED", json!({}));
        }
        Some(3 | 4 | 8 | 31) if *identified => {}
        Some(3 | 4 | 8 | 31) => close(4003, "Not authenticated."),
        _ => close(4001, "Unknown opcode."),
    }
}
