//! The gateway websocket: Hello → Identify → READY, heartbeat ACKs,
//! Resume, close codes for bad Identify payloads, and op 0 dispatches with
//! increasing sequence numbers, filtered by the intents the bot identified
//! with the way Discord filters them. Frames are plain JSON text.
//!
//! Each Identify's `shard` is checked as Discord checks it (two integers,
//! the index below the total, and the total the test requires, if any) and
//! recorded, so a test sees which shards a process ran. A process with
//! several shards holds one connection each; dispatches go to the one that
//! identified last.

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
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role};

use super::payloads::{self, now_ms};
use super::{APPLICATION_ID, HEARTBEAT_INTERVAL_MS, Shared, TOKEN, fnv, intents};

enum Out {
    Text(String),
    Close(u16, &'static str),
}

/// The gateway's side of the fake's state.
#[derive(Default)]
pub struct Gateway {
    pub connections: u64,
    pub heartbeats: u64,
    /// The last Identify's `d`.
    pub identify: Option<Value>,
    /// The `[index, total]` of every Identify answered with READY, in order.
    pub shards: Vec<[u64; 2]>,
    /// The shard count a bot must identify with, when the test set one.
    pub total_shards: Option<u64>,
    /// Every dispatch as sent (`None`: dropped for lack of intents).
    pub sent: Vec<(String, Option<Value>)>,
    /// Query strings of websocket connections (`v=10` …).
    pub queries: Vec<String>,
    /// Close codes the fake sent, with the reason.
    pub closes: Vec<(u16, String)>,
    /// The websocket URL, which is also the `resume_gateway_url`.
    pub url: String,
    session_id: Option<String>,
    seq: u64,
    /// The identified connection and its outbox.
    live: Option<(u64, mpsc::UnboundedSender<Out>)>,
    /// Dispatches waiting for a session.
    backlog: Vec<(String, Value)>,
    ready: bool,
}

impl Gateway {
    pub fn new(url: String) -> Self {
        Self {
            url,
            ..Self::default()
        }
    }

    pub fn ready_identify(&self) -> Option<Value> {
        if self.ready {
            self.identify.clone()
        } else {
            None
        }
    }

    pub fn describe(&self) -> String {
        let mut out = format!(
            "  gateway: {} connection(s), {} heartbeat(s), ready: {}, intents: {}\n",
            self.connections,
            self.heartbeats,
            self.ready,
            self.identify
                .as_ref()
                .map(|i| i["intents"].to_string())
                .unwrap_or_else(|| "none".into())
        );
        for (event, data) in &self.sent {
            match data {
                Some(data) => {
                    let mut text = data.to_string();
                    if text.len() > 200 {
                        let mut cut = 200;
                        while !text.is_char_boundary(cut) {
                            cut -= 1;
                        }
                        text.truncate(cut);
                        text.push('…');
                    }
                    out.push_str(&format!("  dispatched {event}: {text}\n"));
                }
                None => out.push_str(&format!("  dropped {event} (intents)\n")),
            }
        }
        for (code, reason) in &self.closes {
            out.push_str(&format!("  closed {code}: {reason}\n"));
        }
        out
    }

    fn intents(&self) -> u64 {
        self.identify
            .as_ref()
            .and_then(|i| {
                i["intents"]
                    .as_u64()
                    .or_else(|| i["intents"].as_str()?.parse().ok())
            })
            .unwrap_or(0)
    }

    pub fn dispatch(&mut self, event: &str, data: Value) {
        if self.ready && self.live.is_some() {
            self.send_dispatch(event, data);
        } else {
            self.backlog.push((event.to_string(), data));
        }
    }

    fn send_dispatch(&mut self, event: &str, data: Value) {
        let Some(data) = filter(event, data, self.intents()) else {
            self.sent.push((event.to_string(), None));
            return;
        };
        self.seq += 1;
        let frame = json!({"op": 0, "t": event, "s": self.seq, "d": data});
        if let Some((_, out)) = &self.live {
            let _ = out.send(Out::Text(frame.to_string()));
        }
        self.sent.push((event.to_string(), Some(data)));
    }

    fn flush(&mut self) {
        for (event, data) in std::mem::take(&mut self.backlog) {
            self.send_dispatch(&event, data);
        }
    }

    pub fn kick(&mut self, code: u16) {
        if let Some((_, out)) = self.live.take() {
            let _ = out.send(Out::Close(code, "Disconnected by the test."));
        }
        self.ready = false;
    }

    pub fn close_all(&mut self) {
        self.kick(1001);
    }
}

/// What Discord sends of `event` to a client with `intents`; `None` when
/// the event is not sent at all.
fn filter(event: &str, mut data: Value, intents: u64) -> Option<Value> {
    if !matches!(event, "MESSAGE_CREATE" | "MESSAGE_UPDATE") {
        return Some(data);
    }
    let in_guild = data.get("guild_id").is_some_and(|g| !g.is_null());
    let needed = if in_guild {
        intents::GUILD_MESSAGES
    } else {
        intents::DIRECT_MESSAGES
    };
    if intents & needed == 0 {
        return None;
    }
    let by_bot = data["author"]["id"] == json!(APPLICATION_ID.to_string());
    let mentions_bot = data["mentions"].as_array().is_some_and(|m| {
        m.iter()
            .any(|u| u["id"] == json!(APPLICATION_ID.to_string()))
    });
    if in_guild && intents & intents::MESSAGE_CONTENT == 0 && !by_bot && !mentions_bot {
        data["content"] = json!("");
        data["embeds"] = json!([]);
        data["attachments"] = json!([]);
        data["components"] = json!([]);
        if let Some(object) = data.as_object_mut() {
            object.remove("poll");
        }
    }
    Some(data)
}

/// Answers the websocket upgrade and runs the connection.
pub fn upgrade(shared: Arc<Shared>, mut request: Request) -> Response {
    let upgrade = request
        .headers()
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
    let key = request.headers().get(header::SEC_WEBSOCKET_KEY).cloned();
    let (true, Some(key)) = (upgrade, key) else {
        return (StatusCode::BAD_REQUEST, "Expected a websocket upgrade").into_response();
    };
    let query = request.uri().query().unwrap_or("").to_string();
    let accept = derive_accept_key(key.as_bytes());
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
        .header(header::SEC_WEBSOCKET_ACCEPT, accept)
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
        state.gateway.queries.push(query.clone());
        state.gateway.connections
    };
    shared.bump();
    let version_ok = query.split('&').any(|pair| pair == "v=10" || pair == "v=9");
    if !version_ok {
        let _ = out.send(Out::Close(4012, "Invalid API version"));
    } else {
        let hello = json!({
            "op": 10,
            "s": null,
            "t": null,
            "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS, "_trace": ["[\"gateway-prd-fake\",{\"micros\":0.0}]"]},
        });
        let _ = out.send(Out::Text(hello.to_string()));
    }
    let mut identified = false;
    loop {
        tokio::select! {
            incoming = ws.next() => {
                let text = match incoming {
                    Some(Ok(Message::Text(text))) => text,
                    Some(Ok(Message::Binary(_))) => {
                        let _ = out.send(Out::Close(4002, "Error while decoding payload."));
                        continue;
                    }
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                    Some(Ok(_)) => continue,
                };
                let mut state = shared.lock();
                receive(&mut state.gateway, id, &out, &text, &mut identified);
                drop(state);
                shared.bump();
            }
            next = outbox.recv() => match next {
                Some(Out::Text(text)) => {
                    if ws.send(Message::Text(text)).await.is_err() {
                        break;
                    }
                }
                Some(Out::Close(code, reason)) => {
                    shared.lock().gateway.closes.push((code, reason.to_string()));
                    let frame = CloseFrame { code: CloseCode::from(code), reason: reason.into() };
                    let _ = ws.close(Some(frame)).await;
                    shared.bump();
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
        state.gateway.ready = false;
    }
    drop(state);
    shared.bump();
}

/// The Identify's `shard` as Discord reads it: absent means `[0, 1]`;
/// otherwise exactly two integers, the index below the total.
fn shard_of(identify: &Value) -> Option<[u64; 2]> {
    let Some(shard) = identify.get("shard").filter(|s| !s.is_null()) else {
        return Some([0, 1]);
    };
    let [index, total] = shard.as_array()?.as_slice() else {
        return None;
    };
    let (index, total) = (index.as_u64()?, total.as_u64()?);
    (total > 0 && index < total).then_some([index, total])
}

/// Handles one client frame.
fn receive(
    gateway: &mut Gateway,
    connection: u64,
    out: &mpsc::UnboundedSender<Out>,
    text: &str,
    identified: &mut bool,
) {
    let Ok(frame) = serde_json::from_str::<Value>(text) else {
        let _ = out.send(Out::Close(4002, "Error while decoding payload."));
        return;
    };
    let op = frame["op"].as_u64();
    let d = &frame["d"];
    match op {
        Some(1) => {
            gateway.heartbeats += 1;
            let ack = json!({"op": 11, "s": null, "t": null, "d": null});
            let _ = out.send(Out::Text(ack.to_string()));
        }
        Some(2) => {
            if *identified {
                let _ = out.send(Out::Close(4005, "Already authenticated."));
                return;
            }
            let token = d["token"].as_str().unwrap_or("");
            if token.strip_prefix("Bot ").unwrap_or(token) != TOKEN {
                let _ = out.send(Out::Close(4004, "Authentication failed."));
                return;
            }
            if !d["intents"].is_u64()
                && d["intents"]
                    .as_str()
                    .and_then(|s| s.parse::<u64>().ok())
                    .is_none()
            {
                let _ = out.send(Out::Close(4013, "Invalid intent(s)."));
                return;
            }
            let Some([index, total]) = shard_of(d) else {
                let _ = out.send(Out::Close(4010, "Invalid shard."));
                return;
            };
            if gateway.total_shards.is_some_and(|want| want != total) {
                let _ = out.send(Out::Close(4011, "Sharding required."));
                return;
            }
            let shard = json!([index, total]);
            *identified = true;
            gateway.identify = Some(d.clone());
            let session = format!(
                "{:016x}{:016x}",
                fnv(&format!("session{connection}")),
                now_ms()
            );
            gateway.session_id = Some(session.clone());
            gateway.seq = 1;
            gateway.live = Some((connection, out.clone()));
            let ready = payloads::ready(&session, &gateway.url, shard);
            let frame = json!({"op": 0, "t": "READY", "s": 1, "d": ready});
            let _ = out.send(Out::Text(frame.to_string()));
            gateway.sent.push(("READY".into(), Some(ready)));
            gateway.shards.push([index, total]);
            gateway.ready = true;
            gateway.flush();
        }
        Some(6) => {
            let token = d["token"].as_str().unwrap_or("");
            let same_session = d["session_id"].as_str() == gateway.session_id.as_deref();
            if token.strip_prefix("Bot ").unwrap_or(token) != TOKEN {
                let _ = out.send(Out::Close(4004, "Authentication failed."));
                return;
            }
            if !same_session {
                let invalid = json!({"op": 9, "s": null, "t": null, "d": false});
                let _ = out.send(Out::Text(invalid.to_string()));
                return;
            }
            *identified = true;
            gateway.live = Some((connection, out.clone()));
            gateway.ready = true;
            gateway.flush();
            gateway.send_dispatch(
                "RESUMED",
                json!({"_trace": ["[\"gateway-prd-fake\",{\"micros\":0.0}]"]}),
            );
        }
        Some(3 | 4 | 8 | 31) if *identified => {}
        Some(3 | 4 | 8 | 31) => {
            let _ = out.send(Out::Close(4003, "Not authenticated."));
        }
        _ => {
            let _ = out.send(Out::Close(4001, "Unknown opcode."));
        }
    }
}
