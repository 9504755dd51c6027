//! The first answer to an interaction travels one of two ways: over REST to
//! the callback endpoint (gateway mode), or as the HTTP response to
//! Discord's own POST (interactions endpoint mode). Everything after it,
//! edits and follow-ups, is REST either way, so handlers never care which.
//! A first answer never carries files: those go in the edit that follows.

use std::sync::{Arc, Mutex};

use serenity::all::{CreateInteractionResponse, InteractionId};
use tokio::sync::oneshot;

use super::rest::{self, Rest};

pub struct Responder {
    pub rest: Arc<Rest>,
    inline: Mutex<Option<oneshot::Sender<CreateInteractionResponse>>>,
}

impl Responder {
    pub fn over_rest(rest: Arc<Rest>) -> Self {
        Self {
            rest,
            inline: Mutex::new(None),
        }
    }

    /// A responder whose first answer is handed to the receiver instead.
    pub fn inline(rest: Arc<Rest>) -> (Self, oneshot::Receiver<CreateInteractionResponse>) {
        let (sender, receiver) = oneshot::channel();
        let responder = Self {
            rest,
            inline: Mutex::new(Some(sender)),
        };
        (responder, receiver)
    }

    pub async fn first(
        &self,
        id: InteractionId,
        token: &str,
        response: CreateInteractionResponse,
    ) -> Result<(), rest::Error> {
        let inline = self
            .inline
            .lock()
            .map(|mut slot| slot.take())
            .ok()
            .flatten();
        match inline {
            Some(sender) => sender.send(response).map_err(|_| rest::Error::Closed),
            None => self.rest.callback(id, token, &response).await,
        }
    }
}
